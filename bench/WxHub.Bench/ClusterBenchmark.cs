using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WxHub.Emulator;
using WxHub.Testing;

namespace WxHub.Bench;

/// <summary>
/// WxHub instances as child processes on one throwaway PostgreSQL server, against the emulator. First, short-lived
/// tokens (10 s) read by concurrent clients through 1 and through 3 instances: the upstream token calls per credential
/// per refresh cycle (a cycle being a token the readers were served). Then token reads per second per instance, with
/// tokens that need no refresh, on SQLite and on PostgreSQL in the same run.
/// </summary>
internal static class ClusterBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private static readonly TimeSpan ShortTtl = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var apps = BenchArgs.Option(args, "--apps", 20);
        var seconds = BenchArgs.Option(args, "--seconds", 40);
        var readers = BenchArgs.Option(args, "--readers", 64);
        var readSeconds = BenchArgs.Option(args, "--read-seconds", 10);

        await using var emulator = await WeChatEmulator.StartAsync(new EmulatorOptions { TokenTtl = ShortTtl });
        using var wechat = new HttpClient { BaseAddress = emulator.BaseUrl };
        await using var postgres = await PostgresServer.StartPrivateAsync();
        var folder = Path.Combine(Path.GetTempPath(), "wxhub-bench-" + Guid.NewGuid().ToString("N"));
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var database = 0;
        var baseSettings = new Dictionary<string, string>
        {
            ["WXHUB_WECHATAPI"] = emulator.BaseUrl.AbsoluteUri,
            ["WXHUB_MASTERKEY"] = masterKey,
            ["WXHUB_Credentials__RefreshMargin"] = "00:00:04",
            ["WXHUB_Credentials__RefreshJitter"] = "00:00:01",
            ["WXHUB_Credentials__MinimumLifetime"] = "00:00:01.500",
            ["WXHUB_Credentials__MinimumRefreshSpacing"] = "00:00:02",
            ["WXHUB_Credentials__RefreshLease"] = "00:00:05",
            ["WXHUB_Logging__LogLevel__Default"] = "Warning",
        };

        async Task<List<ChildServer>> StartAsync(string store, int count)
        {
            var settings = new Dictionary<string, string>(baseSettings);
            if (store == "postgres")
            {
                var name = $"wxhub_bench_{++database}";
                await ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {name}");
                settings["WXHUB_STORE"] = "postgres";
                settings["WXHUB_CONNECTION"] = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = name }.ConnectionString;
            }
            var data = Path.Combine(folder, Guid.NewGuid().ToString("N"));
            var first = await BenchChild.StartAsync(data, ChildServer.FreePort(), AdminKey, settings);
            var rest = await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => BenchChild.StartAsync(data, ChildServer.FreePort(), AdminKey, settings)));
            return [first, .. rest];
        }

        try
        {
            var cycles = new List<string>();
            foreach (var instances in new[] { 1, 3 })
            {
                var nodes = await StartAsync("postgres", instances);
                try
                {
                    var ids = Enumerable.Range(0, apps).Select(i => $"wxcycle{instances}x{i:D8}").ToList();
                    var clients = await RegisterAsync(wechat, nodes, ids, ttlSeconds: null);
                    var seen = new ConcurrentDictionary<(string Appid, string Token), byte>();
                    var reads = await ReadAsync(clients, ids, readers, TimeSpan.FromSeconds(seconds), (appid, token) => seen.TryAdd((appid, token), 0));
                    // A refresh that was under way when the readers stopped has its token served here.
                    foreach (var client in clients)
                        foreach (var id in ids)
                            seen.TryAdd((id, JsonNode.Parse(await client.GetStringAsync($"/v1/apps/{id}/access-token"))!["access_token"]!.GetValue<string>()), 0);
                    var stats = JsonNode.Parse(await wechat.GetStringAsync("/__emulator/stats"))!["calls"]?["/cgi-bin/token"];
                    var calls = ids.Sum(id => stats?[id]?.GetValue<int>() ?? 0);
                    var tokens = seen.Count;
                    cycles.Add($"| {instances} | {apps} | {seconds} | {reads:N0} | {calls} | {tokens} | {(double)calls / tokens:0.00} |");
                    Dispose(clients);
                }
                finally
                {
                    foreach (var node in nodes) node.Dispose();
                }
            }

            var throughput = new List<string>();
            foreach (var (store, instances) in new[] { ("sqlite", 1), ("postgres", 1), ("postgres", 3) })
            {
                var nodes = await StartAsync(store, instances);
                try
                {
                    var ids = Enumerable.Range(0, apps).Select(i => $"wxreads{store[0]}{instances}x{i:D7}").ToList();
                    var clients = await RegisterAsync(wechat, nodes, ids, ttlSeconds: 7200);
                    var perInstance = new long[instances];
                    // Every token fetched once before the clock starts, so only reads from memory are timed.
                    foreach (var client in clients)
                        foreach (var id in ids) (await client.GetAsync($"/v1/apps/{id}/access-token")).EnsureSuccessStatusCode();
                    var reads = await ReadAsync(clients, ids, readers, TimeSpan.FromSeconds(readSeconds), null, perInstance);
                    var rates = perInstance.Select(n => n / (double)readSeconds).ToList();
                    throughput.Add($"| {(store == "sqlite" ? "SQLite" : "PostgreSQL")} | {instances} | {readers} | {reads / (double)readSeconds:0} | {rates.Average():0} |");
                    Dispose(clients);
                }
                finally
                {
                    foreach (var node in nodes) node.Dispose();
                }
            }

            Console.WriteLine($"Machine: {Machine.Describe()}; load average {Machine.LoadAverage()}");
            Console.WriteLine($"Workload: {apps} classic-mode apps in the emulator (every token call mints a new token), loopback HTTP, a throwaway " +
                              $"PostgreSQL server; WxHub instances as child processes; {readers} concurrent readers spread evenly over the instances.");
            Console.WriteLine();
            Console.WriteLine($"Refresh cycles: tokens live {ShortTtl.TotalSeconds:0} s, refreshed in their last 4-3 s.");
            Console.WriteLine();
            Console.WriteLine("| Instances | credentials | seconds | token reads | upstream token calls | token cycles served | calls per credential per cycle |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            cycles.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine($"Token reads from memory, tokens valid for two hours, {readSeconds} s per row:");
            Console.WriteLine();
            Console.WriteLine("| Store | instances | readers | reads per second (all) | reads per second per instance |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            throughput.ForEach(Console.WriteLine);
            return 0;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Registers classic-mode apps in the emulator and through the first instance; one API-key client per instance.</summary>
    private static async Task<HttpClient[]> RegisterAsync(HttpClient wechat, List<ChildServer> nodes, List<string> ids, int? ttlSeconds)
    {
        foreach (var id in ids)
        {
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            (await wechat.PostAsJsonAsync("/__emulator/apps", new { appid = id, secret, type = "official_account", token_ttl_seconds = ttlSeconds })).EnsureSuccessStatusCode();
            (await nodes[0].Admin.PostAsJsonAsync("/v1/admin/apps", new { appid = id, secret, type = "official_account", token_mode = "classic" })).EnsureSuccessStatusCode();
        }
        var created = await nodes[0].Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "bench", apps = ids });
        var key = JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        return [.. nodes.Select(node =>
        {
            var client = new HttpClient { BaseAddress = node.Admin.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        })];
    }

    /// <summary>Closed-loop readers, reader i on instance i mod n, for <paramref name="duration"/>; returns the reads served.</summary>
    private static async Task<long> ReadAsync(HttpClient[] clients, List<string> ids, int readers, TimeSpan duration, Action<string, string>? served, long[]? perInstance = null)
    {
        long reads = 0;
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, readers).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            var instance = r % clients.Length;
            while (!stop.IsCancellationRequested)
            {
                var id = ids[random.Next(ids.Count)];
                using var response = await clients[instance].GetAsync($"/v1/apps/{id}/access-token");
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"A token read answered {(int)response.StatusCode}: {body}");
                served?.Invoke(id, JsonNode.Parse(body)!["access_token"]!.GetValue<string>());
                Interlocked.Increment(ref reads);
                if (perInstance is not null) Interlocked.Increment(ref perInstance[instance]);
            }
        })));
        return reads;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void Dispose(HttpClient[] clients)
    {
        foreach (var client in clients) client.Dispose();
    }
}
