using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Testing;
using Xunit.Abstractions;

namespace WxHub.Server.Tests.Cluster;

/// <summary>
/// Three real WxHub processes on one PostgreSQL database and the emulator, with tokens that live seconds: each
/// credential is fetched from WeChat once per refresh cycle, whichever instance readers ask.
/// </summary>
public sealed class ClusterRefreshTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan TokenTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(4);
    private static readonly bool LongRun = Environment.GetEnvironmentVariable("WXHUB_LONG_TESTS") == "1";

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, string> Settings(string lease = "00:00:05") => new()
    {
        ["WXHUB_Credentials__RefreshMargin"] = "00:00:04",
        ["WXHUB_Credentials__RefreshJitter"] = "00:00:01",
        ["WXHUB_Credentials__MinimumLifetime"] = "00:00:01.500",
        ["WXHUB_Credentials__MinimumRefreshSpacing"] = "00:00:02",
        ["WXHUB_Credentials__RefreshLease"] = lease,
        ["WXHUB_WeChat__RequestTimeout"] = "00:00:20",
    };

    [Fact]
    public async Task Three_instances_fetch_each_credential_once_per_cycle_under_200_readers_and_random_invalidations()
    {
        var duration = LongRun ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30);
        await using var cluster = await WxHubCluster.StartAsync(_database.ConnectionString, TokenTtl, 3, Settings());
        string[] apps = ["wxcluster0000001", "wxcluster0000002", "wxcluster0000003"];
        foreach (var appid in apps) await cluster.RegisterAppAsync(appid);
        var clients = await cluster.KeyClientsAsync(apps);

        // Each token as first seen: its expiry (to the second, as the API states it) and the order of first sights.
        var sights = new ConcurrentDictionary<(string Appid, string Token), (DateTimeOffset ExpiresAt, long Seen)>();
        long seen = 0;
        void Sight(string appid, string token, DateTimeOffset expiresAt) => sights.TryAdd((appid, token), (expiresAt, Interlocked.Increment(ref seen)));
        var checkedAtWeChat = new ConcurrentDictionary<(int Instance, string Token), byte>();
        var invalidated = new ConcurrentDictionary<string, byte>();
        var problems = new ConcurrentQueue<string>();
        long reads = 0, expired = 0, rejected = 0;

        using var stop = new CancellationTokenSource(duration);
        async Task ReadAsync()
        {
            var random = new Random();
            while (!stop.IsCancellationRequested)
            {
                var instance = random.Next(clients.Length);
                var appid = apps[random.Next(apps.Length)];
                var (token, expiresAt, expiresIn, problem) = await TokenAsync(clients[instance].GetAsync($"/v1/apps/{appid}/access-token"));
                if (problem is not null)
                {
                    problems.Enqueue(problem);
                    continue;
                }
                Interlocked.Increment(ref reads);
                if (expiresIn <= 0) Interlocked.Increment(ref expired);
                Sight(appid, token!, expiresAt);
                // Each instance's copy of each token is shown to WeChat once, right after it was served.
                if (checkedAtWeChat.TryAdd((instance, token!), 0) && await cluster.RejectionOfAsync(token!) is { } errcode)
                {
                    Interlocked.Increment(ref rejected);
                    problems.Enqueue($"instance {instance} served a token of {appid} that WeChat rejects with {errcode}");
                }
            }
        }
        async Task InvalidateAsync()
        {
            var random = new Random();
            using var pace = new PeriodicTimer(TimeSpan.FromSeconds(2));
            while (await pace.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
            {
                var appid = apps[random.Next(apps.Length)];
                var known = sights.Where(s => s.Key.Appid == appid).OrderBy(s => s.Value.Seen).Select(s => s.Key.Token).ToList();
                if (known.Count == 0) continue;
                // Half the time the newest token (a real rejection), else an older one another instance already replaced.
                var rejectedToken = random.Next(2) == 0 ? known[^1] : known[random.Next(known.Count)];
                invalidated.TryAdd(rejectedToken, 0);
                var (token, expiresAt, _, problem) = await TokenAsync(clients[random.Next(clients.Length)].PostAsJsonAsync($"/v1/apps/{appid}/access-token/invalidate", new { access_token = rejectedToken }));
                if (problem is not null) problems.Enqueue("invalidation: " + problem);
                else if (token == rejectedToken) problems.Enqueue($"an invalidation of {appid} answered the rejected token");
                else Sight(appid, token!, expiresAt);
            }
        }
        var watch = Stopwatch.StartNew();
        await Task.WhenAll([.. Enumerable.Range(0, 200).Select(_ => Task.Run(ReadAsync)), Task.Run(InvalidateAsync)]);
        watch.Stop();

        Assert.True(problems.IsEmpty, $"{problems.Count} problems, the first: {string.Join("\n", problems.Take(5))}");
        Assert.Equal(0, Interlocked.Read(ref expired));
        Assert.Equal(0, Interlocked.Read(ref rejected));
        var conflicts = new List<string>();
        foreach (var appid in apps)
        {
            // A refresh that fell due as the readers stopped is not lost: each instance serves what it holds until the
            // tokens seen account for every call made (a token fetched and dropped never would).
            var calls = 0;
            try
            {
                await Eventually.True(async () =>
                {
                    calls = await cluster.UpstreamCallsAsync(WeChatEndpoints.Token, appid);
                    foreach (var client in clients)
                    {
                        var (token, expiresAt, _, problem) = await TokenAsync(client.GetAsync($"/v1/apps/{appid}/access-token"));
                        if (problem is null) Sight(appid, token!, expiresAt);
                    }
                    return sights.Keys.Count(k => k.Appid == appid) >= calls;
                }, $"every token {appid} fetched is served", TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // Reported with the figures below.
            }
            // Tokens in the order WeChat issued them: by expiry (each lives TokenTtl from its issue), and within the
            // same second by first sight (each is served as soon as it is stored).
            var tokens = sights.Where(s => s.Key.Appid == appid).OrderBy(s => s.Value.ExpiresAt).ThenBy(s => s.Value.Seen)
                .Select(s => (s.Key.Token, s.Value.ExpiresAt)).ToList();
            var byInvalidation = tokens.Skip(1).Where((_, i) => invalidated.ContainsKey(tokens[i].Token)).Count();
            output.WriteLine($"{appid}: {calls} upstream token calls, {tokens.Count} tokens served ({tokens.Count - 1 - byInvalidation} scheduled replacements, {byInvalidation} after a rejection)");
            // Each token was replaced once, and only when due or rejected: a second fetch in the same cycle would have
            // replaced a young token nobody rejected, and two instances would then have served two tokens at once.
            var before = conflicts.Count;
            for (var i = 1; i < tokens.Count; i++)
            {
                var age = tokens[i].ExpiresAt - tokens[i - 1].ExpiresAt;
                if (!invalidated.ContainsKey(tokens[i - 1].Token) && age < TokenTtl - RefreshMargin - TimeSpan.FromSeconds(1))
                    conflicts.Add($"{appid}: token {i - 1} was replaced after {age.TotalSeconds:0.0} s without being due or rejected");
            }
            if (tokens.Count != calls || conflicts.Count > before)
            {
                output.WriteLine(string.Join("\n", tokens.Select((t, i) => $"  token {i}: expires {t.ExpiresAt:HH:mm:ss}{(invalidated.ContainsKey(t.Token) ? ", reported rejected" : "")}")));
                output.WriteLine(await cluster.Instances[0].Admin.GetStringAsync($"/v1/admin/apps/{appid}/events?limit=1000"));
            }

            // Every call is a token served: no instance fetched one that the cluster then dropped.
            Assert.Equal(tokens.Count, calls);
            Assert.True(tokens.Count >= duration / TokenTtl, $"{appid} went through only {tokens.Count} tokens in {duration}");
        }
        Assert.Empty(conflicts);
        output.WriteLine($"{Interlocked.Read(ref reads)} reads in {watch.Elapsed.TotalSeconds:0.0} s across 3 instances, {invalidated.Count} tokens reported rejected");
    }

    [Fact]
    public async Task Kill_9_of_the_lease_holder_mid_refresh_hands_the_refresh_to_another_instance_within_the_lease_time()
    {
        var lease = TimeSpan.FromSeconds(3);
        await using var cluster = await WxHubCluster.StartAsync(_database.ConnectionString, TimeSpan.FromMinutes(10), 3, Settings("00:00:03"));
        const string appid = "wxclusterkill0001";
        await cluster.RegisterAppAsync(appid);
        var clients = await cluster.KeyClientsAsync(appid);
        var (first, _, _, problem) = await TokenAsync(clients[0].GetAsync($"/v1/apps/{appid}/access-token"));
        Assert.Null(problem);

        // WeChat is slow to answer the next token call: whoever refreshes is caught mid-refresh.
        (await cluster.EmulatorClient.PostAsJsonAsync("/__emulator/faults", new { path = WeChatEndpoints.Token, appid, delay_ms = 15_000, count = 1 })).EnsureSuccessStatusCode();
        var reports = cluster.Instances.Select((_, i) => TokenAsync(clients[i].PostAsJsonAsync($"/v1/apps/{appid}/access-token/invalidate", new { access_token = first }))).ToList();
        await Eventually.True(async () => await cluster.UpstreamCallsAsync(WeChatEndpoints.Token, appid) == 2, "the refresh reached WeChat", TimeSpan.FromSeconds(30));
        var held = (await cluster.LeaseAsync($"refresh/{appid}/AccessToken"))!.Value;
        var holder = cluster.HolderOf(held.Holder)!;
        holder.Kill();
        var killedAt = DateTimeOffset.UtcNow;

        var survivors = cluster.Instances.Select((instance, i) => (instance, i)).Where(x => x.instance != holder).Select(x => x.i).ToList();
        var answers = await Task.WhenAll(survivors.Select(i => reports[i]));
        var takeover = (await cluster.LeaseAsync($"refresh/{appid}/AccessToken"))!.Value;
        output.WriteLine($"lease {lease.TotalSeconds} s: the holder was killed {(held.ExpiresAt - killedAt).TotalSeconds:0.0} s before its lease ran out; the survivors answered {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");

        // The survivors agree on one new token that WeChat takes; one more call replaced the one lost with the holder.
        Assert.All(answers, a => Assert.Null(a.Problem));
        var second = Assert.Single(answers.Select(a => a.Token).Distinct());
        Assert.NotEqual(first, second);
        Assert.Null(await cluster.RejectionOfAsync(second!));
        Assert.Equal(3, await cluster.UpstreamCallsAsync(WeChatEndpoints.Token, appid));
        // The lease passed on from the dead holder (a new holding, so a new generation).
        Assert.NotEqual(held.Holder, takeover.Holder);
        Assert.True(takeover.Generation > held.Generation);
        foreach (var i in survivors)
            Assert.Equal(second, (await TokenAsync(clients[i].GetAsync($"/v1/apps/{appid}/access-token"))).Token);
    }

    /// <summary>The token, its expiry and seconds left from a business API answer, or what was wrong with it.</summary>
    private static async Task<(string? Token, DateTimeOffset ExpiresAt, long ExpiresIn, string? Problem)> TokenAsync(Task<HttpResponseMessage> call)
    {
        try
        {
            using var response = await call;
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK) return (null, default, 0, $"HTTP {(int)response.StatusCode}: {body}");
            var json = JsonNode.Parse(body)!;
            return (json["access_token"]!.GetValue<string>(),
                DateTimeOffset.Parse(json["expires_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                json["expires_in"]!.GetValue<long>(), null);
        }
        catch (HttpRequestException e)
        {
            return (null, default, 0, e.Message);
        }
    }
}
