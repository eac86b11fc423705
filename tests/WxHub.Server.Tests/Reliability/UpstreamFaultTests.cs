using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;
using Xunit.Abstractions;

namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// WeChat misbehaving: 30% of credential calls answer -1, HTTP 503, hang past the request timeout or drop the
/// connection, and the first access point is down. Hours of the shared clock pass in steps with readers at every step:
/// no reader is ever handed a token WeChat no longer takes (nor one that dies before the expiry WxHub announced), and the
/// calls WxHub makes stay a handful per token lifetime however many readers ask.
/// </summary>
public sealed class UpstreamFaultTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private const int ReadersPerStep = 4;
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Faults per credential path, each a share of the calls the ones before it spared: 7.5% of all calls each, 30% in total.</summary>
    private static readonly JsonObject[] FaultMix =
    [
        new() { ["errcode"] = -1, ["fraction"] = 0.075 },
        new() { ["http_status"] = 503, ["fraction"] = 0.075 / 0.925 },
        new() { ["delay_ms"] = 3_000, ["fraction"] = 0.075 / 0.85 },
        new() { ["drop"] = true, ["fraction"] = 0.075 / 0.775 },
    ];

    [Fact]
    public async Task Under_a_30_percent_fault_rate_and_a_dead_access_point_readers_only_get_live_tokens_and_WeChat_sees_no_storm()
    {
        var hours = LongRuns.Enabled ? 24 : 5;
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            // A hung call gives up on the wall clock (the shared manual clock stands still while it hangs).
            ["WeChat:RequestTimeout"] = "00:00:00.250",
            // -1 is retried at once: a retry waiting on the manual clock would hold readers until the next step.
            ["WeChat:BusyRetryDelay"] = "00:00:00",
        });
        string[] apps = [await hub.RegisterAppAsync(), await hub.RegisterAppAsync(), await hub.RegisterAppAsync(tokenMode: "classic")];
        var readers = new Dictionary<string, HttpClient>();
        foreach (var appid in apps) readers[appid] = await hub.KeyClientAsync(appid);

        // WeChat's control and checks go to an access point that stays up.
        using var wechat = new HttpClient { BaseAddress = hub.Emulator.AccessPoints["api2"] };
        // Ten-minute tokens: a refresh every five minutes or so, dozens per account in the run.
        foreach (var appid in apps)
            (await wechat.PostAsJsonAsync("/__emulator/apps", new { appid, secret = hub.SecretOf(appid), type = "official_account", token_ttl_seconds = (int)TokenLifetime.TotalSeconds })).EnsureSuccessStatusCode();
        await hub.Emulator.TakeDownAsync("api");
        var seed = Seed;
        foreach (var path in new[] { WeChatEndpoints.StableToken, WeChatEndpoints.Token })
        {
            foreach (var fault in FaultMix)
            {
                var body = fault.DeepClone().AsObject();
                body["path"] = path;
                body["seed"] = seed++;
                (await wechat.PostAsJsonAsync("/__emulator/faults", body)).EnsureSuccessStatusCode();
            }
        }

        // Every token served, with the latest expiry WxHub announced for it.
        var promised = new Dictionary<string, DateTimeOffset>();
        int served = 0, refused = 0;
        for (var step = 0; step < hours * 60; step++)
        {
            hub.Clock.Advance(Step);
            var now = hub.Clock.GetUtcNow();
            var answers = await Task.WhenAll(apps.SelectMany(appid =>
                Enumerable.Range(0, ReadersPerStep).Select(_ => readers[appid].GetAsync($"/v1/apps/{appid}/access-token"))));
            foreach (var answer in answers)
            {
                using var response = answer;
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // A failure WxHub could not hide is said plainly, never as a stale token.
                    Assert.False(string.IsNullOrEmpty(body["error"]?.GetValue<string>()), body.ToJsonString());
                    refused++;
                    continue;
                }
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body.ToJsonString()}");
                var token = body.Str("access_token");
                var expiresAt = now + TimeSpan.FromSeconds(body["expires_in"]!.GetValue<long>());
                promised[token] = promised.TryGetValue(token, out var earlier) && earlier > expiresAt ? earlier : expiresAt;
                served++;
            }

            // Every token still inside the lifetime WxHub announced must work at WeChat now.
            foreach (var (token, until) in promised.Where(p => p.Value > now).ToList())
                Assert.True(await wechat.TakesAsync(token), $"At {now:O} WeChat refuses a token WxHub promised until {until:O}.");
            foreach (var token in promised.Where(p => p.Value <= now).Select(p => p.Key).ToList()) promised.Remove(token);
        }

        // The faults were felt and mostly hidden: readers were served nearly always.
        Assert.True(served > 0.95 * (served + refused), $"served {served}, refused {refused}");
        // WxHub refreshes in a token's last five or six minutes: about one refresh every five minutes per account.
        var lifetimes = (int)Math.Ceiling(hours * 60 / (TokenLifetime.TotalMinutes - 5)) + 1;
        // The stats come from an access point that is up; the fixture's client aims at the one taken down.
        await hub.Emulator.BringUpAsync("api");
        output.WriteLine($"{hours} h: {served} reads served, {refused} refused");
        foreach (var appid in apps)
        {
            var calls = await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid) + await hub.UpstreamCallsAsync(WeChatEndpoints.Token, appid);
            output.WriteLine($"{appid}: {calls} credential calls to WeChat");
            // Without faults one call per lifetime; each fault costs an access point or a retry, never a call per reader.
            Assert.True(calls <= 3 * lifetimes, $"{appid}: {calls} credential calls to WeChat in {hours} h ({lifetimes} token lifetimes)");
        }
    }

}
