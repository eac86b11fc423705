using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;
using static WxHub.Server.Tests.Reliability.WireChecks;

namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// The store fails under a running server — SQLite's disk stops taking writes, or PostgreSQL goes away — and comes
/// back: every answer meanwhile is a clear JSON error (never a 500), <c>/readyz</c> says not ready, WeChat's pushes are
/// refused rather than acknowledged and lost, and once the store returns the server recovers by itself: ready, writes
/// accepted, tokens refreshed, and every acknowledged push delivered exactly once.
/// </summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task The_SQLite_folder_turning_read_only_gives_clear_errors_and_recovers_by_itself()
    {
        await using var hub = await HubFixture.StartAsync();
        ImmutableFolder? disk = null;
        try
        {
            await new Outage(hub).RunAsync(
                async () => disk = await ImmutableFolder.ApplyAsync(hub.DataPath),
                () => disk!.RemoveAsync());
        }
        finally
        {
            disk?.Dispose();
        }
    }

    [Fact]
    public async Task PostgreSQL_going_away_gives_clear_errors_and_recovers_by_itself()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Store"] = "postgres",
            ["Connection"] = database.ConnectionString,
            ["MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        await new Outage(hub).RunAsync(database.CutOffAsync, database.RestoreAsync);
    }

    [Fact]
    public async Task A_server_started_while_PostgreSQL_is_away_comes_up_not_ready_and_serves_once_it_returns()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await database.CutOffAsync();
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Store"] = "postgres",
            ["Connection"] = database.ConnectionString,
            ["MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });

        Assert.Equal("store_unreachable", (await hub.Server.Client.GetAsync("/readyz").ErrorAsync(HttpStatusCode.ServiceUnavailable)).Str("error"));
        Assert.Equal("store_unavailable", (await hub.Admin.GetAsync("/v1/admin/apps").ErrorAsync(HttpStatusCode.ServiceUnavailable)).Str("error"));
        hub.Clock.Advance(TimeSpan.FromMinutes(30)); // background rounds meet the missing store
        await database.RestoreAsync();
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        await Eventually.True(async () => (await hub.Server.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz says ready once PostgreSQL is back");
        var appid = await hub.RegisterAppAsync();
        Assert.True(await hub.EmulatorClient.TakesAsync((await (await hub.KeyClientAsync(appid)).AccessTokenAsync(appid)).Str("access_token")));
    }

    /// <summary>One account pushing to WxHub and reading its token, through an outage of the store.</summary>
    private sealed class Outage(HubFixture hub)
    {
        private const string Appid = "wxoutage000000001";
        private const string Token = "outagetoken42";
        private const string Secret = "outage-secret-0123456789abcdef01";
        private string _openid = null!;

        public async Task RunAsync(Func<Task> breakStore, Func<Task> restoreStore)
        {
            await using var subscriber = await SubscriberServer.StartAsync();
            var key = EncodingAesKey.Generate();
            await ExpectAsync(HttpStatusCode.Created, hub.Admin.PostAsJsonAsync("/v1/admin/apps",
                new { appid = Appid, secret = Secret, type = "official_account", token = Token, encoding_aes_key = key.Value }));
            await ExpectAsync(HttpStatusCode.Created, hub.Admin.PostAsJsonAsync($"/v1/admin/apps/{Appid}/subscribers",
                new { url = subscriber.Url, secret = SubscriberServer.Secret, mode = "async" }));
            await SucceedsAsync(hub.EmulatorClient.PostAsJsonAsync("/__emulator/apps", new
            {
                appid = Appid, secret = Secret, type = "official_account", token = Token, encoding_aes_key = key.Value, mode = "safe",
                callback_url = new Uri(hub.Server.Address, $"/wechat/callback/{Appid}").ToString(),
            }));
            var user = await SucceedsAsync(hub.EmulatorClient.PostAsJsonAsync("/__emulator/users", new { apps = new[] { Appid } }));
            _openid = user["openids"]![Appid]!.GetValue<string>();
            using var reader = await hub.KeyClientAsync(Appid);
            var before = (await reader.AccessTokenAsync(Appid)).Str("access_token");
            var acknowledged = new List<string>();
            if (await PushAsync("before the outage")) acknowledged.Add("before the outage");

            await breakStore();

            var ready = await hub.Server.Client.GetAsync("/readyz").ErrorAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("store_unreachable", ready.Str("error"));
            Assert.Equal(HttpStatusCode.OK, (await hub.Server.Client.GetAsync("/healthz")).StatusCode);
            // A write is refused in the error shape, with the reason and what to do.
            var refused = await hub.Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "during", apps = new[] { Appid } }).ErrorAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("store_unavailable", refused.Str("error"));
            // WeChat is not told "success" for a push WxHub could not keep: it retries, then gives up, and nothing was promised.
            var during = await PushAsync("during the outage");
            Assert.False(during, "a push was acknowledged while the store took no writes");
            // The token held in memory is still served while valid; past its life, readers get an error, never an expired token.
            await AssertReaderIsServedWellAsync(reader);
            hub.Clock.Advance(TimeSpan.FromHours(2));
            await AssertReaderIsServedWellAsync(reader);

            await restoreStore();

            await Eventually.True(async () => (await hub.Server.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz says ready again by itself");
            await ExpectAsync(HttpStatusCode.Created, hub.Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "after", apps = new[] { Appid } }));
            if (await PushAsync("after the outage")) acknowledged.Add("after the outage");
            Assert.Equal(["before the outage", "after the outage"], acknowledged);
            // The failed refresh's backoff ends and the next attempt stores a new token.
            hub.Clock.Advance(TimeSpan.FromMinutes(3));
            string? after = null;
            await Eventually.True(async () =>
            {
                using var response = await reader.GetAsync($"/v1/apps/{Appid}/access-token");
                if (response.StatusCode != HttpStatusCode.OK) return false;
                after = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("access_token");
                return true;
            }, "the token is refreshed once the store is back");
            Assert.NotEqual(before, after);
            Assert.True(await hub.EmulatorClient.TakesAsync(after!));

            try
            {
                // The clock moves while waiting: a dispatcher step that met the store still recovering pauses (on the clock)
                // before trying again, as it would in production.
                await Eventually.True(() =>
                {
                    if (acknowledged.All(content => subscriber.Received.Any(r => r.TextContent() == content))) return true;
                    hub.Clock.Advance(TimeSpan.FromSeconds(1));
                    return false;
                }, "every acknowledged push is delivered");
            }
            catch (TimeoutException e)
            {
                var outbox = await hub.Admin.GetStringAsync($"/v1/admin/apps/{Appid}/outbox");
                throw new TimeoutException($"{e.Message}. Received: [{string.Join(", ", subscriber.Received.Select(r => r.TextContent()))}]; clock {hub.Clock.GetUtcNow():O}; outbox: {outbox}", e);
            }
            hub.Clock.Advance(TimeSpan.FromMinutes(10)); // any redelivery would be due by now
            // Exactly once: a delivery whose outcome was being written when the store broke keeps its claim until the
            // outcome is recorded, however long the outage (UnrecordedOutcomeTests shows that case alone).
            foreach (var content in acknowledged) Assert.Single(subscriber.Received, r => r.TextContent() == content);
            Assert.True(subscriber.Received.Count(r => r.TextContent() == "during the outage") <= 1);
        }

        /// <summary>True when WeChat (the emulator) got WxHub's acknowledgement.</summary>
        private async Task<bool> PushAsync(string content)
        {
            var result = await SucceedsAsync(hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{Appid}/push", new { msg_type = "text", from = _openid, content }));
            var status = result.Str("status");
            Assert.True(status is "acknowledged" or "http_error", result.ToJsonString());
            if (status == "http_error") Assert.Equal(503, result["http_status"]!.GetValue<int>());
            return status == "acknowledged";
        }

        private async Task AssertReaderIsServedWellAsync(HttpClient reader)
        {
            using var response = await reader.GetAsync($"/v1/apps/{Appid}/access-token");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.True(await hub.EmulatorClient.TakesAsync(body.Str("access_token")), "an expired token was served");
                return;
            }
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body.ToJsonString()}");
            Assert.False(string.IsNullOrEmpty(body["error"]?.GetValue<string>()), body.ToJsonString());
            Assert.False(string.IsNullOrEmpty(body["message"]?.GetValue<string>()), body.ToJsonString());
        }
    }
}
