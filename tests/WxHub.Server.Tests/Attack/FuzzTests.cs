using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Signatures;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Logins;
using Xunit.Abstractions;

namespace WxHub.Server.Tests.Attack;

/// <summary>
/// Seeded random and malformed input to every public endpoint — callbacks (signed correctly or not, plaintext and
/// encrypted), platform events and authorization, OAuth, the business, user and Mini Program APIs, admin JSON, the proxy
/// and the dashboard — for a bounded number of requests: no answer is a 500 (502 and 503 only as deliberate JSON
/// answers about WeChat), none takes longer than the client's timeout, and the server is healthy afterwards.
/// <c>WXHUB_LONG_TESTS=1</c> sends many more; <c>WXHUB_FUZZ_SEED</c> replays a run.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string CallbackToken = "fuzzCallbackToken1";
    private const string ComponentAppid = "wxfuzzcomponent001";
    private const string ComponentToken = "fuzzComponentToken1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly EncodingAesKey _appKey = EncodingAesKey.Generate();
    private readonly EncodingAesKey _componentKey = EncodingAesKey.Generate();
    private LoginWorld _world = null!;
    private string _oa = null!;
    private string _mini = null!;
    private string _sentinel = null!;
    private string _key = null!;
    private HttpClient _http = null!;

    private HubFixture Hub => _world.Hub;

    public async Task InitializeAsync()
    {
        _world = await LoginWorld.StartAsync(new Dictionary<string, string?> { ["Messages:MaxBodyBytes"] = "65536" });
        _oa = await _world.AppAsync("official_account");
        _mini = await _world.AppAsync("mini_program");
        // Kept out of the fuzzing, to show afterwards that the server still serves.
        _sentinel = await _world.AppAsync("official_account");
        await _world.UserAsync("fuzzy", _oa, _mini);
        (await Hub.Admin.PatchAsJsonAsync($"/v1/admin/apps/{_oa}", new { token = CallbackToken, encoding_aes_key = _appKey.Value })).EnsureSuccessStatusCode();
        (await Hub.Admin.PostAsJsonAsync("/v1/admin/components", new
        {
            component_appid = ComponentAppid, secret = "fuzz-component-secret-0123456789", token = ComponentToken, encoding_aes_key = _componentKey.Value,
        })).EnsureSuccessStatusCode();
        _key = await Hub.CreateKeyAsync([_oa, _mini, "component:" + ComponentAppid]);
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Hub.Server.Address, Timeout = Timeout };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Random_and_malformed_input_to_every_endpoint_never_gets_a_500_or_a_hang_and_the_server_stays_healthy()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WXHUB_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 20261122;
        var longRun = Environment.GetEnvironmentVariable("WXHUB_LONG_TESTS") == "1";
        var requests = longRun ? 100_000 : 3_000;
        // A budget, not an assertion: on a slow machine fewer requests are sent.
        var budget = longRun ? TimeSpan.FromMinutes(15) : TimeSpan.FromSeconds(40);
        const int workers = 4;

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var input = new FuzzInput(seed + worker);
            for (var i = worker; i < requests && clock.Elapsed < budget; i += workers)
            {
                var (name, request) = Build(input);
                var what = $"seed {seed + worker} request {i / workers} ({name}): {request.Method} {request.RequestUri}";
                var problem = await SendAsync(request);
                Interlocked.Increment(ref sent);
                lock (failures)
                {
                    if (problem.Failure is { } failure) failures.Add($"{what}: {failure}");
                    statuses[problem.Status] = statuses.GetValueOrDefault(problem.Status) + 1;
                }
            }
        })));

        output.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(sent >= Math.Min(requests, 200), $"only {sent} requests were sent");

        // Still healthy: alive, ready, serving tokens and accepting a good push.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/readyz")).StatusCode);
        using var sentinel = await Hub.KeyClientAsync(_sentinel);
        await sentinel.AccessTokenAsync(_sentinel);
        var stamp = Hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var push = await _http.PostAsync($"/wechat/callback/{_oa}?signature={CallbackSignature.Compute(CallbackToken, stamp, "after")}&timestamp={stamp}&nonce=after",
            Xml("<xml><ToUserName>gh</ToUserName><FromUserName>o_after</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>still here</Content><MsgId>424242</MsgId></xml>"));
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
    }

    private async Task<(int Status, string? Failure)> SendAsync(HttpRequestMessage request)
    {
        try
        {
            using var response = await _http.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status < 500) return (status, null);
            // 502 and 503 are WxHub's answers about WeChat (unreachable, refusing a credential), in the error shape.
            var deliberate = status is 502 or 503 && IsErrorShape(body);
            return (status, deliberate ? null : $"{status} {Truncate(body)}");
        }
        catch (TaskCanceledException)
        {
            return (0, $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return (0, $"connection failed: {e.Message}");
        }
        finally
        {
            request.Dispose();
        }
    }

    private static bool IsErrorShape(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"] is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>One request to a randomly chosen endpoint, with its name for the report.</summary>
    private (string, HttpRequestMessage) Build(FuzzInput input)
    {
        var targets = Targets();
        var (name, build) = targets[input.Next(targets.Count)];
        return (name, build(input));
    }

    private List<(string, Func<FuzzInput, HttpRequestMessage>)> Targets() =>
    [
        ("app callback push", i => SignedPush(i, i.Chance(0.7), i.Chance(0.8) ? i.Xml() : i.Json(["ToUserName", "FromUserName", "MsgType", "CreateTime", "Content", "MsgId"]))),
        ("app callback verification", i => Request(HttpMethod.Get, $"/wechat/callback/{Appid(i)}?{CallbackQuery(i, CallbackToken, null)}&echostr={Uri.EscapeDataString(i.Text())}", "none", i)),
        ("platform event", i => ComponentEvent(i)),
        ("platform message", i => Request(i.Chance(0.5) ? HttpMethod.Post : HttpMethod.Get,
            $"/wechat/component/{Component(i)}/callback/{Appid(i)}?{CallbackQuery(i, ComponentToken, null)}", "none", i, Xml(i.Xml()))),
        ("platform authorize", i => Request(HttpMethod.Get, $"/wechat/component/{Component(i)}/authorize?{i.Query(["redirect", "auth_type", "mobile", "biz_appid"], Plausible)}", "none", i)),
        ("platform authorized", i => Request(HttpMethod.Get, $"/wechat/component/{Component(i)}/authorized?{i.Query(["auth_code", "expires_in", "state"], Plausible)}", "none", i)),
        ("oauth authorize", i => Request(HttpMethod.Get, $"/oauth/{Appid(i)}/authorize?{i.Query(["redirect_uri", "scope", "state", "component_appid"], Plausible)}", "none", i)),
        ("oauth callback", i => Request(HttpMethod.Get, $"/oauth/{Appid(i)}/callback?{i.Query(["code", "state"], Plausible)}", "none", i)),
        ("oauth exchange", i => Request(HttpMethod.Post, "/v1/oauth/exchange", "key", i, Json(i, ["code"]))),
        ("oauth code", i => Request(HttpMethod.Post, $"/v1/apps/{Appid(i)}/oauth/code", "key", i, Json(i, ["code"]))),
        ("oauth userinfo", i => Request(HttpMethod.Post, $"/v1/apps/{Appid(i)}/oauth/userinfo", "key", i, Json(i, ["openid", "lang"]))),
        ("mini program session", i => Request(HttpMethod.Post, $"/v1/apps/{Appid(i)}/miniprogram/session", "key", i, Json(i, ["js_code"]))),
        ("mini program decrypt", i => Request(HttpMethod.Post, $"/v1/apps/{Appid(i)}/miniprogram/decrypt", "key", i, Json(i, ["session_id", "encryptedData", "iv"]))),
        ("users", i => Request(HttpMethod.Get, i.Chance(0.5) ? $"/v1/users/by-unionid/{Segment(i)}" : $"/v1/apps/{Appid(i)}/users/{Segment(i)}", "key", i)),
        ("access token", i => Request(HttpMethod.Get, $"/v1/apps/{Appid(i)}/access-token", "key", i)),
        ("invalidate", i => Request(HttpMethod.Post, i.Chance(0.5) ? $"/v1/apps/{Appid(i)}/access-token/invalidate" : $"/v1/apps/{Appid(i)}/tickets/{i.Pick(["jsapi", "wx_card", i.Text()])}/invalidate", "key", i, Json(i, ["access_token", "ticket"]))),
        ("tickets", i => Request(HttpMethod.Get, $"/v1/apps/{Appid(i)}/tickets/{Uri.EscapeDataString(i.Pick(["jsapi", "wx_card", i.Text()]))}", "key", i)),
        ("jssdk", i => Request(HttpMethod.Post, $"/v1/apps/{Appid(i)}/jssdk/signature", "key", i, Json(i, ["url", "jsApiList", "debug"]))),
        ("component API", i => Request(HttpMethod.Get, i.Pick([$"/v1/components/{Component(i)}/access-token", $"/v1/components/{Component(i)}/authorizers?{i.Query(["status", "after", "limit"], Plausible)}", $"/v1/components/{Component(i)}/authorizers/{Appid(i)}"]), "key", i)),
        ("admin apps", i => AdminApps(i)),
        ("admin keys", i => i.Chance(0.6)
            ? Request(HttpMethod.Post, "/v1/admin/keys", "admin", i, Json(i, ["name", "apps", "scopes"]))
            : Request(i.Pick([HttpMethod.Get, HttpMethod.Delete]), $"/v1/admin/keys/{Segment(i)}", "admin", i)),
        ("admin subscribers", i => i.Chance(0.6)
            ? Request(HttpMethod.Post, $"/v1/admin/apps/{Appid(i)}/subscribers", "admin", i, Json(i, ["url", "secret", "events", "mode"]))
            : Request(i.Pick([HttpMethod.Get, HttpMethod.Delete]), $"/v1/admin/apps/{Appid(i)}/subscribers/{Segment(i)}", "admin", i)),
        ("admin messages", i => Request(i.Chance(0.8) ? HttpMethod.Get : HttpMethod.Post, i.Pick([
            $"/v1/admin/apps/{Appid(i)}/callbacks?{i.Query(["limit"], Plausible)}", $"/v1/admin/apps/{Appid(i)}/outbox?{i.Query(["state", "limit"], Plausible)}",
            $"/v1/admin/apps/{Appid(i)}/outbox/{Segment(i)}/replay", $"/v1/admin/apps/{Appid(i)}/events?{i.Query(["limit"], Plausible)}"]), "admin", i)),
        ("admin logins", i => i.Chance(0.5)
            ? Request(HttpMethod.Put, $"/v1/admin/apps/{Appid(i)}/oauth/redirect-uris", "admin", i, Json(i, ["redirect_uris"]))
            : Request(i.Pick([HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete]), $"/v1/admin/apps/{RandomAppid(i)}/users/backfill?{i.Query(["restart"], Plausible)}", "admin", i)),
        ("admin components", i => i.Chance(0.5)
            ? Request(HttpMethod.Post, "/v1/admin/components", "admin", i, Json(i, ["component_appid", "secret", "token", "encoding_aes_key"]))
            : Request(i.Chance(0.5) ? HttpMethod.Get : HttpMethod.Post, $"/v1/admin/components/{Segment(i)}{(i.Chance(0.5) ? "/sync" : "")}", "admin", i)),
        ("proxy", i => Request(i.Pick([HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Options, HttpMethod.Patch]),
            $"/wechat-api/{Appid(i)}/{ProxyPath(i)}?{i.Query(["access_token", "openid", "type", "media_id"], Plausible)}", "key", i,
            i.Chance(0.5) ? Json(i, ["touser", "msgtype", "text", "appid", "secret"]) : null)),
        ("proxy token", i => i.Chance(0.5)
            ? Request(HttpMethod.Get, $"/wechat-api/{Appid(i)}/cgi-bin/token?{i.Query(["grant_type", "appid", "secret"], Plausible)}", "none", i)
            : Request(HttpMethod.Post, $"/wechat-api/{Appid(i)}/cgi-bin/stable_token", "none", i, Json(i, ["grant_type", "appid", "secret", "force_refresh"]))),
        ("dashboard", i => Request(HttpMethod.Post, i.Pick(["/login", "/logout", "/keys", $"/keys/{Segment(i)}/revoke"]), "none", i,
            new StringContent(i.Query(["admin_key", "csrf", "name", "apps", "scopes"], Plausible), Encoding.UTF8, i.Pick(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])))),
        ("health", i => Request(HttpMethod.Get, i.Pick(["/healthz", "/readyz", "/metrics", "/", "/dashboard.js", "/" + Segment(i)]), "none", i)),
    ];

    private HttpRequestMessage AdminApps(FuzzInput i) => i.Next(4) switch
    {
        0 => Request(HttpMethod.Post, "/v1/admin/apps", "admin", i, Json(i, ["appid", "secret", "type", "token_mode", "token", "encoding_aes_key"])),
        1 => Request(HttpMethod.Patch, $"/v1/admin/apps/{RandomAppid(i)}", "admin", i, Json(i, ["secret", "type", "token_mode", "token", "encoding_aes_key"])),
        2 => Request(HttpMethod.Delete, $"/v1/admin/apps/{RandomAppid(i)}", "admin", i),
        _ => Request(HttpMethod.Get, i.Chance(0.3) ? "/v1/admin/apps" : $"/v1/admin/apps/{Appid(i)}", "admin", i),
    };

    /// <summary>A push to the app's callback URL: signed right or not, plaintext or encrypted (then with a right or wrong msg_signature).</summary>
    private HttpRequestMessage SignedPush(FuzzInput i, bool valid, string message)
    {
        var timestamp = Hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = i.Ascii(8).Replace("&", "").Replace("#", "");
        if (i.Chance(0.5))
        {
            var encrypt = i.Chance(0.8) ? MessageCrypto.Encrypt(_appKey, i.Chance(0.9) ? _oa : i.Text(), message) : i.Text();
            var msgSignature = valid ? CallbackSignature.ComputeForMessage(CallbackToken, timestamp, nonce, encrypt) : i.Text();
            var query = $"signature={CallbackSignature.Compute(CallbackToken, timestamp, nonce)}&timestamp={timestamp}&nonce={Uri.EscapeDataString(nonce)}&encrypt_type=aes&msg_signature={Uri.EscapeDataString(msgSignature)}";
            return Request(HttpMethod.Post, $"/wechat/callback/{_oa}?{query}", "none", i, Xml($"<xml><ToUserName>gh</ToUserName><Encrypt>{System.Security.SecurityElement.Escape(encrypt)}</Encrypt></xml>"));
        }
        var signature = valid ? CallbackSignature.Compute(CallbackToken, timestamp, nonce) : i.Text();
        var encryptType = i.Chance(0.8) ? "" : $"&encrypt_type={Uri.EscapeDataString(i.Pick(["raw", "aes", i.Text()]))}";
        return Request(HttpMethod.Post, $"/wechat/callback/{_oa}?signature={Uri.EscapeDataString(signature)}&timestamp={timestamp}&nonce={Uri.EscapeDataString(nonce)}{encryptType}", "none", i,
            i.Chance(0.9) ? Xml(message) : new ByteArrayContent(i.Bytes(i.Next(2000))));
    }

    /// <summary>A platform's system push: always encrypted with the platform's key (or garbage), signed right or not.</summary>
    private HttpRequestMessage ComponentEvent(FuzzInput i)
    {
        var timestamp = Hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = "n" + i.Next(1_000_000);
        var encrypt = i.Chance(0.8) ? MessageCrypto.Encrypt(_componentKey, i.Chance(0.9) ? ComponentAppid : i.Text(), i.Xml()) : i.Text();
        var msgSignature = i.Chance(0.7) ? CallbackSignature.ComputeForMessage(ComponentToken, timestamp, nonce, encrypt) : i.Text();
        var query = i.Chance(0.9)
            ? $"signature={CallbackSignature.Compute(ComponentToken, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={Uri.EscapeDataString(msgSignature)}"
            : CallbackQuery(i, ComponentToken, encrypt);
        return Request(HttpMethod.Post, $"/wechat/component/{(i.Chance(0.9) ? ComponentAppid : Segment(i))}/events?{query}", "none", i,
            Xml($"<xml><AppId>{ComponentAppid}</AppId><Encrypt>{System.Security.SecurityElement.Escape(encrypt)}</Encrypt></xml>"));
    }

    /// <summary>Callback parameters each of which may be right, missing or hostile.</summary>
    private string CallbackQuery(FuzzInput i, string token, string? encrypt)
    {
        var timestamp = i.Chance(0.7) ? Hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : i.Number();
        var nonce = i.Chance(0.7) ? "n" + i.Next(1000) : i.Text();
        var signature = i.Chance(0.5) ? CallbackSignature.Compute(token, timestamp, nonce) : i.Text();
        var pairs = new List<string> { $"signature={Uri.EscapeDataString(signature)}", $"timestamp={Uri.EscapeDataString(timestamp)}", $"nonce={Uri.EscapeDataString(nonce)}" }
            .Where(_ => i.Chance(0.9)).ToList();
        if (i.Chance(0.3)) pairs.Add($"encrypt_type={Uri.EscapeDataString(i.Pick(["aes", "raw", i.Text()]))}");
        if (i.Chance(0.3)) pairs.Add($"msg_signature={Uri.EscapeDataString(encrypt is not null && i.Chance(0.5) ? CallbackSignature.ComputeForMessage(token, timestamp, nonce, encrypt) : i.Text())}");
        if (i.Chance(0.2)) pairs.Add($"openid={Uri.EscapeDataString(i.Text())}");
        return string.Join('&', pairs);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string auth, FuzzInput i, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        var key = auth switch
        {
            _ when i.Chance(0.1) => i.Chance(0.5) ? null : i.Ascii(i.Next(80)),
            "key" => _key,
            "admin" => HubFixture.AdminKey,
            _ => null,
        };
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (content is not null && i.Chance(0.1)) content.Headers.ContentType = MediaTypeHeaderValue.TryParse(i.Pick(["text/plain", "application/xml", "application/json; charset=latin1", "multipart/form-data"]), out var type) ? type : null;
        return request;
    }

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "text/xml");

    private StringContent Json(FuzzInput i, string[] fields) => new(i.Json(fields, field => PlausibleJson(i, field)), Encoding.UTF8, "application/json");

    private string Appid(FuzzInput i) => i.Next(10) switch
    {
        < 4 => _oa,
        < 6 => _mini,
        6 => ComponentAppid,
        7 => _sentinel,
        _ => Segment(i),
    };

    /// <summary>An appid for routes that change or remove the app: never one of the fixture's.</summary>
    private static string RandomAppid(FuzzInput i) => i.Chance(0.5) ? "wxfuzz" + i.Next(100_000) : Segment(i);

    private static string Component(FuzzInput i) => i.Chance(0.7) ? ComponentAppid : Segment(i);

    /// <summary>A path segment: hostile text, escaped (or sometimes not) so that it stays one segment of a valid URL.</summary>
    private static string Segment(FuzzInput i)
    {
        var text = i.Text();
        return text.Length == 0 ? "x" : Uri.EscapeDataString(text.Length > 3000 ? text[..3000] : text);
    }

    private static string ProxyPath(FuzzInput i) => i.Next(4) switch
    {
        0 => i.Pick(["cgi-bin/user/get", "cgi-bin/user/info", "cgi-bin/message/custom/send", "cgi-bin/media/get", "sns/userinfo", "cgi-bin/getcallbackip"]),
        1 => string.Join('/', Enumerable.Range(0, 1 + i.Next(5)).Select(_ => Segment(i))),
        2 => i.Pick(["cgi-bin/%2e%2e/x", "..%2F..%2Fv1/admin/apps", "cgi-bin//user/get", "cgi-bin/./user", "%00", "cgi-bin/user/get%23"]),
        _ => "cgi-bin/" + Segment(i),
    };

    private string? Plausible(string name) => name switch
    {
        "redirect_uri" or "redirect" => "https://shop.example.com/back",
        "scope" => "snsapi_base",
        "component_appid" => ComponentAppid,
        "appid" => _oa,
        "grant_type" => "client_credential",
        "secret" => _key,
        "limit" => "5",
        "state" => "pending",
        "status" => "active",
        _ => null,
    };

    private JsonNode? PlausibleJson(FuzzInput i, string name) => name switch
    {
        "appid" or "component_appid" => i.Chance(0.5) ? "wxfuzz" + i.Next(100_000) : JsonValue.Create(_oa),
        "type" => i.Pick(["official_account", "mini_program", "website", "third_party"]),
        "token_mode" => i.Pick(["stable", "classic"]),
        "encoding_aes_key" => EncodingAesKey.Generate().Value,
        "secret" => i.Chance(0.5) ? "fuzz-secret-0123456789abcdef" : JsonValue.Create(_key),
        "redirect_uris" => new JsonArray("https://shop.example.com/", i.Text()),
        "url" => i.Pick(["http://127.0.0.1:9/hook", "https://shop.example.com/page?id=1#x", "ftp://x"]),
        "apps" => new JsonArray(_oa, i.Text()),
        "scopes" or "jsApiList" => new JsonArray("access_token", "proxy", i.Text()),
        "events" => new JsonArray("text", "subscribe", i.Text()),
        "mode" => i.Pick(["sync", "async"]),
        "grant_type" => "client_credential",
        "force_refresh" => i.Chance(0.5),
        _ => null,
    };
}
