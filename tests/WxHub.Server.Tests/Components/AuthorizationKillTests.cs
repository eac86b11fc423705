using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Emulator;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;
using Xunit.Abstractions;

namespace WxHub.Server.Tests.Components;

/// <summary>
/// The real <c>wxhub serve</c>, killed with SIGKILL in the middle of an authorization: WeChat has the administrator's
/// approval, WxHub's exchange of the code is under way and never answered. The restarted process must still end up
/// holding the grant and serving the account's token.
/// </summary>
// Tests that kill child processes run one at a time: on a loaded machine their restarts otherwise starve each other.
[Collection(nameof(ChildServer))]
public sealed class AuthorizationKillTests(ITestOutputHelper output) : IDisposable
{
    private const string AdminKey = "component-kill-admin-key-0123456789";
    private const string Merchant = "wxkillmerchant0001";
    private const string Earlier = "wxkillmerchant0002";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_kill_9_during_an_authorization_loses_no_grant_that_WeChat_confirmed()
    {
        // WeChat on the system clock (the child process has no other) pushing each system push once: no retry rescues the grant.
        // A long push timeout: the machine may be busy, and a push WeChat gave up on would not be retried.
        await using var wechat = await WeChatEmulator.StartAsync(new EmulatorOptions { PushAttempts = 1, PushTimeout = TimeSpan.FromSeconds(60) });
        using var control = new HttpClient { BaseAddress = wechat.BaseUrl };
        var port = ChildServer.FreePort();
        // A restart that finds the authorization unfinished settles it within seconds, not after the production intervals
        // (a recovery that ran before the ticket arrived is tried again soon).
        var environment = new Dictionary<string, string>
        {
            ["WXHUB_WECHATAPI"] = wechat.BaseUrl.ToString(),
            ["WXHUB_Components__ReconcileInterval"] = "00:00:05",
            ["WXHUB_Components__TicketWait"] = "00:00:10",
        };
        var key = EncodingAesKey.Generate();
        string firstLife;

        using (var first = await ChildServer.StartAsync(_data.Path, port, AdminKey, environment))
        {
            Assert.Equal(HttpStatusCode.Created, (await first.Admin.PostAsJsonAsync("/v1/admin/components",
                new { component_appid = Platform.Appid, secret = Platform.Secret, token = Platform.Token, encoding_aes_key = key.Value })).StatusCode);
            (await control.PostAsJsonAsync("/__emulator/components", new
            {
                component_appid = Platform.Appid, secret = Platform.Secret, token = Platform.Token, encoding_aes_key = key.Value,
                event_url = new Uri(first.Address, $"/wechat/component/{Platform.Appid}/events").ToString(),
            })).EnsureSuccessStatusCode();
            foreach (var appid in new[] { Merchant, Earlier })
                (await control.PostAsJsonAsync("/__emulator/apps", new { appid, secret = "merchant-secret-0123", type = "official_account" })).EnsureSuccessStatusCode();
            using (var platform = await KeyClientAsync(first))
            {
                await Eventually.True(async () => (await platform.GetAsync($"/v1/components/{Platform.Appid}/access-token")).IsSuccessStatusCode,
                    "the first ticket push got WxHub a component token", TimeSpan.FromSeconds(60));
                // The store holds a grant, so a restart has no reason to restore from WeChat's list but the interrupted exchange.
                (await control.PostAsJsonAsync($"/__emulator/components/{Platform.Appid}/authorize", new { appid = Earlier })).EnsureSuccessStatusCode();
                await Eventually.True(async () => (await platform.GetAsync($"/v1/apps/{Earlier}/access-token")).IsSuccessStatusCode,
                    "the earlier grant is held", TimeSpan.FromSeconds(60));
            }

            // WeChat will hold WxHub's api_query_auth calls for a minute: the exchange is in flight when the kill comes.
            // The earlier grant's exchange is counted already; the kill waits for this one's.
            var exchanges = await CallsAsync(control, WeChatEndpoints.QueryAuth);
            (await control.PostAsJsonAsync("/__emulator/faults", new { path = WeChatEndpoints.QueryAuth, delay_ms = 60_000, count = 2 })).EnsureSuccessStatusCode();
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            var business = Uri.EscapeDataString("https://shop.example.com/done");
            var page = (await browser.GetAsync(new Uri(first.Address, $"/wechat/component/{Platform.Appid}/authorize?redirect={business}"))).Headers.Location!;
            var back = (await browser.GetAsync(page + $"&emulator_approve=1&emulator_appid={Merchant}")).Headers.Location!;
            var landing = browser.GetAsync(back);
            await Eventually.True(async () => await CallsAsync(control, WeChatEndpoints.QueryAuth) > exchanges, "WxHub is exchanging the authorization code", TimeSpan.FromSeconds(60));

            first.Kill();
            firstLife = first.Output;
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => landing);
        }

        (await control.DeleteAsync("/__emulator/faults")).EnsureSuccessStatusCode();
        using var second = await ChildServer.StartAsync(_data.Path, port, AdminKey, environment);
        using var client = await KeyClientAsync(second);
        try
        {
            await Eventually.True(async () => (await client.GetAsync($"/v1/apps/{Merchant}/access-token")).StatusCode == HttpStatusCode.OK,
                "the restarted WxHub holds the grant and serves the account's token", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"First life:\n{firstLife}\nSecond life:\n{second.Output}");
            throw;
        }
        var token = (await client.AccessTokenAsync(Merchant)).Str("access_token");
        var check = JsonNode.Parse(await control.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(token)}"))!;
        Assert.True(check["errcode"] is null || check["errcode"]!.GetValue<int>() == 0, check.ToJsonString());
        var detail = await client.GetAsync($"/v1/components/{Platform.Appid}/authorizers/{Merchant}").OkAsync();
        Assert.Equal("synced", detail["events"]![0]!.Str("kind"));
    }

    private static async Task<HttpClient> KeyClientAsync(ChildServer server)
    {
        var created = await server.Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "kill-test", apps = new[] { "component:" + Platform.Appid } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>());
        return client;
    }

    private static async Task<int> CallsAsync(HttpClient control, string path)
    {
        var stats = JsonNode.Parse(await control.GetStringAsync("/__emulator/stats"))!;
        return stats["calls"]?[path]?[Platform.Appid]?.GetValue<int>() ?? 0;
    }
}
