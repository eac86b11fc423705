using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxHub.Core.Secrets;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Signatures;
using WxHub.Server.Tests.Components;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Logins;
using WxHub.Server.Tests.Messages;

namespace WxHub.Server.Tests.Attack;

/// <summary>
/// A run through every flow that handles a secret — apps, keys, tokens and tickets, safe-mode callbacks with a
/// subscriber, web and Mini Program logins, a third-party platform with an authorizer, and errors — with every log line
/// captured (WxHub's own at Trace), then a search of the logs, <c>/metrics</c>, the error bodies and the database files
/// for each secret: those given to WxHub, and every token, ticket and session key WeChat handed it.
/// </summary>
public sealed class SecretLeakTests
{
    private const string CallbackToken = "leakCallbackToken7f3a9c";
    private const string Authorizer = "wxleakauthorizer01";

    private readonly List<string> _errorBodies = [];

    [Fact]
    public async Task No_secret_appears_in_logs_metrics_error_bodies_or_the_database()
    {
        var logs = new CapturedLogs();
        var upstream = new UpstreamSecrets();
        await using var world = await LoginWorld.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:WxHub"] = "Trace" },
            services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                upstream.AddTo(services);
            });
        var hub = world.Hub;
        await using var subscriber = await SubscriberServer.StartAsync();

        // An Official Account with every secret an app has, a Mini Program, a person using both, a key for everything.
        var oa = await world.AppAsync("official_account");
        var aesKey = EncodingAesKey.Generate();
        await Ok(hub.Admin.PatchAsJsonAsync($"/v1/admin/apps/{oa}", new { token = CallbackToken, encoding_aes_key = aesKey.Value }));
        var mini = await world.AppAsync("mini_program");
        var (person, _, _) = await world.UserAsync("leaky", oa, mini);
        var apiKey = await hub.CreateKeyAsync(["*"]);
        using var client = hub.Client(apiKey);

        // Tokens, tickets, a JS-SDK signature.
        await Ok(client.GetAsync($"/v1/apps/{oa}/access-token"));
        await Ok(client.GetAsync($"/v1/apps/{oa}/tickets/jsapi"));
        await Ok(client.GetAsync($"/v1/apps/{oa}/tickets/wx_card"));
        await Ok(client.PostAsJsonAsync($"/v1/apps/{oa}/jssdk/signature", new { url = "https://shop.example.com/p?id=1" }));

        // A safe-mode push delivered to a subscriber.
        await Ok(hub.Admin.PostAsJsonAsync($"/v1/admin/apps/{oa}/subscribers", new { url = subscriber.Url, secret = SubscriberServer.Secret, events = new[] { "text" }, mode = "async" }));
        await Ok(PushAsync(hub, oa, aesKey));
        await Eventually.True(() => subscriber.Received.Count == 1, "the subscriber got the push");

        // A web login with the profile, a profile refresh through the stored refresh token, a Mini Program session.
        var landing = await world.SignInAsync(oa, person, "snsapi_userinfo");
        var signIn = await Ok(client.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(landing, "wxhub_code") }));
        hub.Clock.Advance(TimeSpan.FromHours(3));
        await Ok(client.PostAsJsonAsync($"/v1/apps/{oa}/oauth/userinfo", new { openid = System.Text.Json.Nodes.JsonNode.Parse(signIn)!.Str("openid") }));
        var jsCode = System.Text.Json.Nodes.JsonNode.Parse(await Ok(hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{mini}/jscode", new { user = person })))!.Str("js_code");
        await Ok(client.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = jsCode }));

        // A third-party platform with an authorizer, whose token is read.
        var platform = await Platform.StartAsync(hub);
        await platform.RegisterAccountAsync(Authorizer, "Leak Co");
        await platform.AuthorizeByControlAsync(Authorizer);
        await Ok(client.GetAsync($"/v1/apps/{Authorizer}/access-token"));

        // Errors around secrets: a wrong AppSecret, a registration refused with its secret in the body, a forged push.
        var wrong = await hub.RegisterAppAsync(secretInWxHub: "wrong-secret-leak-0123456789");
        using var wrongClient = await hub.KeyClientAsync(wrong);
        await Refused(wrongClient.GetAsync($"/v1/apps/{wrong}/access-token"));
        await Refused(hub.Admin.PostAsJsonAsync("/v1/admin/apps", new { appid = "wxleak0000000099", secret = "refused-secret-0123456789", type = "no_such_type" }));
        await Refused(hub.Admin.PatchAsJsonAsync($"/v1/admin/apps/{oa}", new { encoding_aes_key = "short-" + aesKey.Value[..20] }));
        await Refused(client.GetAsync($"/wechat-api/{oa}/cgi-bin/token?grant_type=client_credential&appid={oa}&secret=wxk_not-a-real-key-0123456789"));
        using var anonymous = new HttpClient { BaseAddress = hub.Server.Address };
        await Refused(anonymous.PostAsync($"/wechat/callback/{oa}?signature={new string('0', 40)}&timestamp=1&nonce=n", new StringContent("<xml/>")));

        var metrics = await hub.Admin.GetStringAsync("/metrics");

        var secrets = new List<(string What, string Value)>
        {
            ("the AppSecret", world.Secret(oa)),
            ("the Mini Program's AppSecret", world.Secret(mini)),
            ("a wrong AppSecret", "wrong-secret-leak-0123456789"),
            ("a refused AppSecret", "refused-secret-0123456789"),
            ("the message server Token", CallbackToken),
            ("the EncodingAESKey", aesKey.Value),
            ("the API key", apiKey),
            ("the admin key", HubFixture.AdminKey),
            ("the subscriber's secret", SubscriberServer.Secret),
            ("the platform's AppSecret", Platform.Secret),
            ("the platform's Token", Platform.Token),
            ("the platform's EncodingAESKey", platform.AesKey),
            ("the master key", File.ReadAllText(Path.Combine(hub.DataPath, MasterKey.FileName)).Trim()),
        };
        secrets.AddRange(upstream.Seen);
        Assert.Contains(secrets, s => s.What.Contains("session_key", StringComparison.Ordinal));
        Assert.Contains(secrets, s => s.What.Contains("refresh_token", StringComparison.Ordinal));
        Assert.Contains(secrets, s => s.What.Contains("component_verify_ticket", StringComparison.Ordinal));
        Assert.Contains(secrets, s => s.What.Contains("authorizer_refresh_token", StringComparison.Ordinal));

        Assert.NotEmpty(logs.Lines);
        SecretScan.AssertNotIn("the log", logs.Text, secrets);
        SecretScan.AssertNotIn("/metrics", metrics, secrets);
        foreach (var body in _errorBodies) SecretScan.AssertNotIn($"the error body {body}", body, secrets);
        await SecretScan.AssertNotInDatabaseAsync(hub.DataPath, secrets);
    }

    private static async Task<string> Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return body;
    }

    private async Task Refused(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode >= HttpStatusCode.BadRequest || body.Contains("errcode", StringComparison.Ordinal), $"{(int)response.StatusCode} {body}");
        _errorBodies.Add(body);
    }

    private static async Task<HttpResponseMessage> PushAsync(HubFixture hub, string appid, EncodingAesKey key)
    {
        var timestamp = hub.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string nonce = "leaknonce";
        var message = $"<xml><ToUserName>gh_leak</ToUserName><FromUserName>o_leaky</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>77</MsgId></xml>";
        var encrypt = MessageCrypto.Encrypt(key, appid, message);
        var query = $"signature={CallbackSignature.Compute(CallbackToken, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
            + $"&encrypt_type=aes&msg_signature={CallbackSignature.ComputeForMessage(CallbackToken, timestamp, nonce, encrypt)}";
        using var anonymous = new HttpClient { BaseAddress = hub.Server.Address };
        return await anonymous.PostAsync($"/wechat/callback/{appid}?{query}",
            new StringContent($"<xml><ToUserName>gh_leak</ToUserName><Encrypt>{encrypt}</Encrypt></xml>", Encoding.UTF8, "text/xml"));
    }
}
