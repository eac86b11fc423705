using System.Net;
using System.Net.Http.Json;
using System.Text;
using WxHub.Protocol.Signatures;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Logins;
using WxHub.Server.Tests.Operations;
using WxHub.Server.Tests.Proxy;

namespace WxHub.Server.Tests.Attack;

/// <summary>
/// Each attack on one running server, one after the other: refused with its status and error code, and counted in
/// <c>wxhub_requests_refused_total{reason,status}</c>, so that an operator sees attacks in the metrics.
/// </summary>
public sealed class RefusalTests : IAsyncLifetime
{
    private const string CallbackToken = "attackCallbackToken42";
    private const int MaxCallbackBytes = 8192;
    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>
        """;

    private LoginWorld _world = null!;
    private string _app = null!;
    private string _other = null!;
    private string _key = null!;
    private HttpClient _client = null!;
    private HttpClient _anonymous = null!;

    private HubFixture Hub => _world.Hub;

    public async Task InitializeAsync()
    {
        _world = await LoginWorld.StartAsync(new Dictionary<string, string?> { ["Messages:MaxBodyBytes"] = MaxCallbackBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _app = await _world.AppAsync("official_account");
        _other = await _world.AppAsync("official_account");
        await _world.UserAsync("mallory", _app);
        (await Hub.Admin.PatchAsJsonAsync($"/v1/admin/apps/{_app}", new { token = CallbackToken })).EnsureSuccessStatusCode();
        _key = await Hub.CreateKeyAsync([_app]);
        _client = Hub.Client(_key);
        _anonymous = new HttpClient { BaseAddress = Hub.Server.Address };
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Forged_and_replayed_callbacks_entities_and_oversized_bodies_are_refused_and_counted()
    {
        var now = Hub.Clock.GetUtcNow().ToUnixTimeSeconds();
        await RefusedAsync(HttpStatusCode.Unauthorized, "invalid_signature", () => PushAsync(Text(1), now, signature: new string('a', 40)));
        await RefusedAsync(HttpStatusCode.Unauthorized, "timestamp_out_of_window", () => PushAsync(Text(2), now - 3600));
        await RefusedAsync(HttpStatusCode.BadRequest, "dtd_prohibited", () => PushAsync(BillionLaughs, now));
        await RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large", () => PushAsync(Text(3, new string('x', MaxCallbackBytes)), now));
        await RefusedAsync(HttpStatusCode.BadRequest, "missing_parameter", () => _anonymous.PostAsync($"/wechat/callback/{_app}", Xml(Text(4))));

        // A replay inside the window is WeChat's own retry as far as anyone can tell: answered, de-duplicated, counted.
        using (var first = await PushAsync(Text(5), now)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var replay = await PushAsync(Text(5), now)) Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var scrape = await Hub.Admin.GetStringAsync("/metrics");
        Assert.Equal(1, Prometheus.Value(scrape, "wxhub_callbacks_total", $"appid=\"{_app}\",outcome=\"accepted\""));
        Assert.Equal(1, Prometheus.Value(scrape, "wxhub_callbacks_total", $"appid=\"{_app}\",outcome=\"duplicate\""));
    }

    [Fact]
    public async Task Forged_replayed_and_expired_oauth_states_and_codes_are_refused_and_counted()
    {
        var callback = await _world.ApproveAsync(LoginWorld.RedirectOf(await AuthorizeAsync()), "mallory");
        var code = LoginWorld.Query(callback, "code")!;

        await RefusedAsync(HttpStatusCode.BadRequest, "invalid_state", () => _world.FollowAsync(new Uri(Hub.Server.Address, $"/oauth/{_app}/callback?code={code}&state=forged")));
        using (var first = await _world.FollowAsync(callback)) LoginWorld.RedirectOf(first);
        await RefusedAsync(HttpStatusCode.Conflict, "state_used", () => _world.FollowAsync(callback));

        var late = await _world.ApproveAsync(LoginWorld.RedirectOf(await AuthorizeAsync()), "mallory");
        Hub.Clock.Advance(TimeSpan.FromMinutes(11));
        await RefusedAsync(HttpStatusCode.BadRequest, "state_expired", () => _world.FollowAsync(late));

        var wxhubCode = LoginWorld.Query(await _world.SignInAsync(_app, "mallory", "snsapi_base"), "wxhub_code");
        await _client.PostAsJsonAsync("/v1/oauth/exchange", new { code = wxhubCode }).OkAsync();
        await RefusedAsync(HttpStatusCode.BadRequest, "invalid_code", () => _client.PostAsJsonAsync("/v1/oauth/exchange", new { code = wxhubCode }));
        await RefusedAsync(HttpStatusCode.BadRequest, "invalid_redirect_uri", () => _world.AuthorizeAsync(_app, "redirect_uri=javascript:alert(1)&scope=snsapi_base"));
    }

    [Theory]
    [InlineData("/cgi-bin/%2e%2e/%2e%2e/v1/admin/apps")]
    [InlineData("/cgi-bin/..%2F..%2Fv1/admin/apps")]
    [InlineData("/cgi-bin/%2E%2E%2F%2E%2E%2Fv1%2Fadmin%2Fapps")]
    [InlineData("/cgi-bin/%252e%252e/user/get")]
    [InlineData("/cgi-bin/user%5C..%5C..%5Cget")]
    public async Task Traversal_in_the_proxy_path_is_refused_and_counted(string path)
    {
        var before = await Prometheus.RefusedAsync(Hub.Admin, "invalid_path", 400);
        var (status, body) = await RawHttp.GetAsync(Hub.Server.Address, $"/wechat-api/{_app}{path}", _key);
        Assert.True(status == 400, $"{path}: {status} {body}");
        Assert.Equal(before + 1, await Prometheus.RefusedAsync(Hub.Admin, "invalid_path", 400));
    }

    [Fact]
    public async Task Dot_segments_that_the_server_resolves_leave_the_proxy_and_meet_the_admin_check()
    {
        // Kestrel removes plain dot segments before routing: the request is no longer a proxy call but an admin one.
        var before = await Prometheus.RefusedAsync(Hub.Admin, "unauthorized", 401);
        var (status, _) = await RawHttp.GetAsync(Hub.Server.Address, $"/wechat-api/{_app}/../../v1/admin/apps", _key);
        Assert.Equal(401, status);
        Assert.Equal(before + 1, await Prometheus.RefusedAsync(Hub.Admin, "unauthorized", 401));
        Assert.Equal(0, await Hub.UpstreamCallsAsync("/cgi-bin/user/get", _app));
    }

    [Fact]
    public async Task Keys_used_on_other_apps_and_admin_routes_without_the_admin_key_are_refused_and_counted()
    {
        await RefusedAsync(HttpStatusCode.NotFound, "app_not_found", () => _client.GetAsync($"/v1/apps/{_other}/access-token"));
        await RefusedAsync(HttpStatusCode.NotFound, "app_not_found", () => _client.GetAsync($"/wechat-api/{_other}/cgi-bin/user/get"));
        await RefusedAsync(HttpStatusCode.NotFound, "app_not_found", () => _client.PostAsJsonAsync($"/v1/apps/{_other}/jssdk/signature", new { url = "https://a.example/" }));
        await RefusedAsync(HttpStatusCode.Unauthorized, "unauthorized", () => _client.GetAsync("/v1/admin/apps"));
        await RefusedAsync(HttpStatusCode.Unauthorized, "unauthorized", () => _anonymous.PostAsJsonAsync("/v1/admin/keys", new { name = "x", apps = new[] { "*" } }));
        await RefusedAsync(HttpStatusCode.Unauthorized, "unauthorized", () => Hub.Client("wxk_forged0123456789").GetAsync($"/v1/apps/{_app}/access-token"));
        await RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large",
            () => Hub.Admin.PostAsync("/v1/admin/apps", new StringContent($"{{\"appid\":\"{new string('a', 70_000)}\"}}", Encoding.UTF8, "application/json")));
        // A sign-in posted from elsewhere (no antiforgery token from the dashboard's own form) is refused before the password is looked at.
        await RefusedAsync(HttpStatusCode.Forbidden, "invalid_csrf_token",
            () => _anonymous.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "not-the-admin-key" })));
    }

    [Fact]
    public async Task A_key_in_use_is_refused_with_another_secret_and_once_revoked()
    {
        var key = await Hub.CreateKeyAsync([_app]);
        using var client = Hub.Client(key);
        // Twice: the second read is checked against the secret remembered from the first.
        for (var read = 0; read < 2; read++) (await client.GetAsync($"/v1/apps/{_app}/access-token")).EnsureSuccessStatusCode();

        var secretAt = key.IndexOf('_', "wxk_".Length) + 1;
        var otherSecret = key[..secretAt] + (key[secretAt] == 'A' ? 'B' : 'A') + key[(secretAt + 1)..];
        await RefusedAsync(HttpStatusCode.Unauthorized, "unauthorized", () => Hub.Client(otherSecret).GetAsync($"/v1/apps/{_app}/access-token"));
        (await client.GetAsync($"/v1/apps/{_app}/access-token")).EnsureSuccessStatusCode();

        var id = key["wxk_".Length..(secretAt - 1)];
        Assert.Equal(HttpStatusCode.NoContent, (await Hub.Admin.DeleteAsync($"/v1/admin/keys/{id}")).StatusCode);
        await RefusedAsync(HttpStatusCode.Unauthorized, "unauthorized", () => client.GetAsync($"/v1/apps/{_app}/access-token"));
    }

    /// <summary>Runs the attack; asserts its status and error code and that the refusal counter moved by exactly one.</summary>
    private async Task RefusedAsync(HttpStatusCode status, string reason, Func<Task<HttpResponseMessage>> attack)
    {
        var before = await Prometheus.RefusedAsync(Hub.Admin, reason, (int)status);
        using var response = await attack();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{reason}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
            Assert.Equal(reason, System.Text.Json.Nodes.JsonNode.Parse(body)!.Str("error"));
        Assert.Equal(before + 1, await Prometheus.RefusedAsync(Hub.Admin, reason, (int)status));
    }

    private Task<HttpResponseMessage> AuthorizeAsync() =>
        _world.AuthorizeAsync(_app, $"redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base");

    private Task<HttpResponseMessage> PushAsync(string xml, long timestamp, string? signature = null)
    {
        var stamp = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        signature ??= CallbackSignature.Compute(CallbackToken, stamp, nonce);
        return _anonymous.PostAsync($"/wechat/callback/{_app}?signature={signature}&timestamp={stamp}&nonce={nonce}", Xml(xml));
    }

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "text/xml");

    private static string Text(long msgId, string content = "hi") =>
        $"<xml><ToUserName>gh_attack</ToUserName><FromUserName>o_mallory</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>{content}</Content><MsgId>{msgId}</MsgId></xml>";
}
