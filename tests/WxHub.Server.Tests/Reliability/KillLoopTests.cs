using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sql;
using WxHub.Core.Storage.Sqlite;
using WxHub.Emulator;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Components;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;
using Xunit.Abstractions;
using static WxHub.Server.Tests.Reliability.WireChecks;

namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// The real <c>wxhub serve</c>, killed with SIGKILL at a random moment of each life while a platform's accounts
/// authorize, tokens and authorizer refresh tokens are replaced (the emulator rotates an authorizer's refresh token at
/// every new token), tickets arrive every second and WeChat pushes messages; then restarted on the same data folder.
/// After each kill the stored ticket is at least as new as the last one WxHub acknowledged. At the end every
/// authorization WxHub acknowledged is held and its refresh token still works, the platform gets a component token, and
/// every push WeChat saw acknowledged reached the subscriber under exactly one delivery id (a delivery cut by the kill
/// may be repeated with the same id, as docs/message-server.md says).
/// </summary>
// Tests that kill child processes run one at a time: on a loaded machine their restarts otherwise starve each other.
[Collection(nameof(ChildServer))]
public sealed class KillLoopTests(ITestOutputHelper output) : IDisposable
{
    private const string AdminKey = "kill-loop-admin-key-0123456789";
    private const string Appid = "wxkillloop0000001";
    private const string AppSecret = "kill-loop-app-secret-0123456789";
    private const string Token = "killlooptoken42";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Kill_9_at_random_moments_loses_no_grant_refresh_token_ticket_or_acknowledged_push()
    {
        var lives = LongRuns.Enabled ? 100 : 5;
        var seed = Environment.TickCount;
        output.WriteLine($"{lives} kills, seed {seed}");
        var random = new Random(seed);
        // WeChat on the system clock (the child has no other); a long push timeout, for a busy machine.
        await using var wechat = await WeChatEmulator.StartAsync(new EmulatorOptions { PushTimeout = TimeSpan.FromSeconds(60) });
        using var control = new HttpClient { BaseAddress = wechat.BaseUrl };
        await using var subscriber = await SubscriberServer.StartAsync();
        var port = ChildServer.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["WXHUB_WECHATAPI"] = wechat.BaseUrl.ToString(),
            ["WXHUB_Messages__RetryInitialDelay"] = "00:00:00.100",
            ["WXHUB_Messages__RetryMaxDelay"] = "00:00:00.500",
            // A restart that finds an authorization unfinished settles it soon, not after the production intervals.
            ["WXHUB_Components__ReconcileInterval"] = "00:00:05",
            ["WXHUB_Components__TicketWait"] = "00:00:10",
        };
        var ledger = new Ledger();
        string apiKey, openid;
        var ticketChecks = 0;

        using (var first = await ChildServer.StartAsync(_data.Path, port, AdminKey, environment))
        {
            var key = EncodingAesKey.Generate();
            await SucceedsAsync(first.Admin.PostAsJsonAsync("/v1/admin/components",
                new { component_appid = Platform.Appid, secret = Platform.Secret, token = Platform.Token, encoding_aes_key = key.Value }));
            await SucceedsAsync(first.Admin.PostAsJsonAsync("/v1/admin/apps",
                new { appid = Appid, secret = AppSecret, type = "official_account", token_mode = "classic", token = Token, encoding_aes_key = key.Value }));
            await SucceedsAsync(first.Admin.PostAsJsonAsync($"/v1/admin/apps/{Appid}/subscribers", new { url = subscriber.Url, secret = SubscriberServer.Secret, mode = "async" }));
            apiKey = (await SucceedsAsync(first.Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "kill-loop", apps = new[] { "component:" + Platform.Appid, Appid } }))).Str("key");
            await SucceedsAsync(control.PostAsJsonAsync("/__emulator/components", new
            {
                component_appid = Platform.Appid, secret = Platform.Secret, token = Platform.Token, encoding_aes_key = key.Value,
                event_url = new Uri(first.Address, $"/wechat/component/{Platform.Appid}/events").ToString(),
                ticket_interval_seconds = 1, rotate_refresh_tokens = true,
            }));
            await SucceedsAsync(control.PostAsJsonAsync("/__emulator/apps", new
            {
                appid = Appid, secret = AppSecret, type = "official_account", token = Token, encoding_aes_key = key.Value, mode = "safe",
                callback_url = new Uri(first.Address, $"/wechat/callback/{Appid}").ToString(),
            }));
            openid = (await SucceedsAsync(control.PostAsJsonAsync("/__emulator/users", new { apps = new[] { Appid } })))["openids"]![Appid]!.GetValue<string>();
            using var client = Business(first, apiKey);
            await Eventually.True(async () => (await client.GetAsync($"/v1/components/{Platform.Appid}/access-token")).IsSuccessStatusCode,
                "the first ticket got WxHub a component token", TimeSpan.FromSeconds(60));
            first.Kill();
        }

        for (var life = 0; life < lives; life++)
        {
            string settled = $"wxkillmerchant{life:D4}", interrupted = $"wxkillmerchant{life:D4}x";
            foreach (var merchant in new[] { settled, interrupted })
                await SucceedsAsync(control.PostAsJsonAsync("/__emulator/apps", new { appid = merchant, secret = "merchant-secret-0123", type = "official_account" }));
            using var child = await ChildServer.StartAsync(_data.Path, port, AdminKey, environment);
            using var client = Business(child, apiKey);
            // One authorization completes before the storm (its refresh token then rotates in this and later lives),
            // another runs into it.
            await AuthorizeAsync(control, settled, ledger);
            using var stop = new CancellationTokenSource();
            var work = new Work(ledger, stop.Token);
            var activities = new[]
            {
                work.RunAsync(() => AuthorizeAsync(control, interrupted, ledger), once: true),
                work.RunAsync(() => ReplaceTokenAsync(client, Appid)),
                work.RunAsync(() => ReplaceTokenAsync(client, ledger.AnyGrant() ?? Appid)),
                work.RunAsync(() => PushAsync(control, openid, $"life {life} message {Guid.NewGuid():N}", ledger)),
            };
            // The kill comes after a random number of operations, with every activity in the middle of another.
            var moment = random.Next(1, 30);
            await Eventually.True(() => work.Done >= moment || activities.All(a => a.IsCompleted), $"life {life} reaches operation {moment}", TimeSpan.FromSeconds(60));
            child.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(activities);
            ticketChecks += await CheckTicketAsync(control);
        }

        using var last = await ChildServer.StartAsync(_data.Path, port, AdminKey, environment);
        using var reader = Business(last, apiKey);
        output.WriteLine(string.Join(", ", ledger.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}")));
        output.WriteLine($"{ledger.Acknowledged.Count} pushes acknowledged, {ledger.Pushed.Count - ledger.Acknowledged.Count} not; " +
                         $"{ledger.Granted.Count} authorizations acknowledged, {ledger.Confirmed.Count - ledger.Granted.Count} not; {ledger.Operations} operations; " +
                         $"the stored ticket checked after {ticketChecks} kills");

        // Grants and refresh tokens: each acknowledged grant is held, and its token can still be replaced through its
        // refresh token, however many rotations the kills cut short.
        foreach (var merchant in ledger.Granted)
        {
            await Eventually.True(async () => await ServedAndTakenAsync(control, reader, merchant), $"WxHub serves a token WeChat takes for {merchant}", TimeSpan.FromSeconds(60));
            var held = (await reader.AccessTokenAsync(merchant)).Str("access_token");
            var replaced = (await reader.InvalidateAsync(merchant, held).OkAsync()).Str("access_token");
            Assert.NotEqual(held, replaced);
            Assert.True(await control.TakesAsync(replaced), $"the refresh token of {merchant} was lost");
        }
        await Eventually.True(async () => await ServedAndTakenAsync(control, reader, Appid), "the account's token is served", TimeSpan.FromSeconds(60));
        // A grant whose push the kill left unanswered is WeChat's to push again; WxHub restores it by itself only when
        // it had begun the exchange (or its store holds no grant). Reported, not asserted.
        var unanswered = ledger.Confirmed.Except(ledger.Granted).ToList();
        var restored = 0;
        foreach (var merchant in unanswered)
            if (await ServedAndTakenAsync(control, reader, merchant)) restored++;
        output.WriteLine($"{restored} of {unanswered.Count} authorizations whose push the kill cut short are held");
        await Eventually.True(async () => (await reader.GetAsync($"/v1/components/{Platform.Appid}/access-token")).IsSuccessStatusCode,
            "the platform has a component token", TimeSpan.FromSeconds(60));

        // Pushes: every acknowledged one delivered, none under two delivery ids.
        await Eventually.True(() => ledger.Acknowledged.All(content => subscriber.Received.Any(r => r.TextContent() == content)),
            "every acknowledged push reaches the subscriber", TimeSpan.FromSeconds(60));
        var received = subscriber.Received;
        foreach (var group in received.GroupBy(r => r.TextContent()))
        {
            Assert.Contains(group.Key, ledger.Pushed);
            Assert.True(group.Select(r => r.DeliveryId).Distinct().Count() == 1, $"'{group.Key}' was delivered as {group.Select(r => r.DeliveryId).Distinct().Count()} different deliveries");
        }
        output.WriteLine($"{received.Count} deliveries of {received.Select(r => r.TextContent()).Distinct().Count()} messages");
    }

    /// <summary>
    /// With the process dead: the ticket stored is at least as new as the last one WxHub acknowledged, i.e. it was
    /// stored after the acknowledged push before it had ended. Returns 1 when there were two acknowledged pushes to compare.
    /// </summary>
    private async Task<int> CheckTicketAsync(HttpClient control)
    {
        var acknowledged = JsonNode.Parse(await control.GetStringAsync($"/__emulator/pushes?target={Platform.Appid}&kind=component_verify_ticket"))!["pushes"]!
            .AsArray().Where(p => p!.Str("status") == "acknowledged").OrderBy(p => p!["id"]!.GetValue<int>()).ToList();
        if (acknowledged.Count < 2) return 0;
        var previousEnded = acknowledged[^2]!.Time("at");
        StoredCredential? stored;
        await using (var database = new SqliteDatabase(_data.Path))
            stored = await new SqlCredentialStore(database, new SecretProtector(MasterKey.Load(_data.Path, null))).GetAsync(ComponentTickets.KeyOf(Platform.Appid));
        SqliteConnection.ClearAllPools();
        Assert.NotNull(stored);
        Assert.True(stored.ObtainedAt.ToUnixTimeMilliseconds() >= previousEnded.ToUnixTimeMilliseconds(),
            $"The stored ticket dates from {stored.ObtainedAt:O}, before the previous acknowledged push ended ({previousEnded:O}): the last acknowledged ticket was lost.");
        return 1;
    }

    private static async Task AuthorizeAsync(HttpClient control, string merchant, Ledger ledger)
    {
        var answer = await SucceedsAsync(control.PostAsJsonAsync($"/__emulator/components/{Platform.Appid}/authorize", new { appid = merchant }));
        ledger.Confirmed.Add(merchant);
        ledger.Outcomes.AddOrUpdate("authorization " + answer["push"]!.Str("status"), 1, (_, n) => n + 1);
        if (answer["push"]!.Str("status") == "acknowledged") ledger.Granted.Add(merchant);
    }

    /// <summary>Reads a token and reports it rejected, so WxHub fetches a new one (an authorizer's rotates its refresh token).</summary>
    private static async Task ReplaceTokenAsync(HttpClient client, string appid)
    {
        using var response = await client.GetAsync($"/v1/apps/{appid}/access-token");
        if (response.StatusCode != HttpStatusCode.OK) return;
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("access_token");
        (await client.InvalidateAsync(appid, token)).Dispose();
    }

    private static async Task PushAsync(HttpClient control, string openid, string content, Ledger ledger)
    {
        ledger.Pushed.Add(content);
        var result = await SucceedsAsync(control.PostAsJsonAsync($"/__emulator/apps/{Appid}/push", new { msg_type = "text", from = openid, content }));
        ledger.Outcomes.AddOrUpdate("push " + result.Str("status"), 1, (_, n) => n + 1);
        if (result.Str("status") == "acknowledged") ledger.Acknowledged.Add(content);
        // Nobody listens: the process is dead, this life's pushes are over.
        if (result.Str("status") == "unreachable") throw new HttpRequestException("WxHub is down");
    }

    private static async Task<bool> ServedAndTakenAsync(HttpClient control, HttpClient reader, string appid)
    {
        using var response = await reader.GetAsync($"/v1/apps/{appid}/access-token");
        return response.StatusCode == HttpStatusCode.OK && await control.TakesAsync(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("access_token"));
    }

    private static HttpClient Business(ChildServer server, string apiKey)
    {
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>What WeChat's side saw, across lives.</summary>
    private sealed class Ledger
    {
        public ConcurrentBag<string> Pushed { get; } = [];
        public ConcurrentBag<string> Acknowledged { get; } = [];
        public ConcurrentBag<string> Confirmed { get; } = [];
        public ConcurrentBag<string> Granted { get; } = [];
        public ConcurrentDictionary<string, int> Outcomes { get; } = new();
        public int Operations;

        public string? AnyGrant()
        {
            var granted = Granted.ToArray();
            return granted.Length == 0 ? null : granted[Random.Shared.Next(granted.Length)];
        }
    }

    /// <summary>Activities of one life: each repeats its operation until the kill makes it fail or the life ends.</summary>
    private sealed class Work(Ledger ledger, CancellationToken stop)
    {
        private int _done;

        public int Done => Volatile.Read(ref _done);

        public async Task RunAsync(Func<Task> operation, bool once = false)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await operation();
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    return; // the server died under the call
                }
                Interlocked.Increment(ref _done);
                Interlocked.Increment(ref ledger.Operations);
                if (once) return;
            }
        }
    }
}
