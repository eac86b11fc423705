using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using WxHub.Emulator;
using WxHub.Testing;

namespace WxHub.Server.Tests.Cluster;

/// <summary>
/// Real <c>wxhub serve</c> processes on one PostgreSQL database, pointed at the emulator (on the system clock: separate
/// processes share no manual clock, so time passes for real and tokens are made short-lived instead).
/// </summary>
public sealed class WxHubCluster : IAsyncDisposable
{
    public const string AdminKey = "cluster-admin-key-0123456789";

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, string> _environment;
    private readonly List<HttpClient> _clients = [];

    private WxHubCluster(WeChatEmulator emulator, string connectionString, Dictionary<string, string> environment)
    {
        Emulator = emulator;
        ConnectionString = connectionString;
        _environment = environment;
        EmulatorClient = new HttpClient { BaseAddress = emulator.BaseUrl };
    }

    public WeChatEmulator Emulator { get; }
    public HttpClient EmulatorClient { get; }
    public string ConnectionString { get; }
    public List<ChildServer> Instances { get; } = [];

    /// <param name="settings">More WxHub settings as <c>WXHUB_</c> environment variables, e.g. <c>WXHUB_Credentials__RefreshLease</c>.</param>
    public static async Task<WxHubCluster> StartAsync(string connectionString, TimeSpan tokenTtl, int instances, IReadOnlyDictionary<string, string> settings)
    {
        var emulator = await WeChatEmulator.StartAsync(new EmulatorOptions { TokenTtl = tokenTtl });
        var environment = new Dictionary<string, string>(settings)
        {
            ["WXHUB_STORE"] = "postgres",
            ["WXHUB_CONNECTION"] = connectionString,
            ["WXHUB_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["WXHUB_WECHATAPI"] = string.Join(",", AccessPointNames.All.Select(name => emulator.AccessPoints[name])),
        };
        var cluster = new WxHubCluster(emulator, connectionString, environment);
        // One first, so that it migrates the schema alone; the others start together.
        cluster.Instances.Add(await cluster.StartInstanceAsync());
        cluster.Instances.AddRange(await Task.WhenAll(Enumerable.Range(1, instances - 1).Select(_ => cluster.StartInstanceAsync())));
        return cluster;
    }

    public Task<ChildServer> StartInstanceAsync() =>
        ChildServer.StartAsync(Path.Combine(_data.Path, Guid.NewGuid().ToString("N")), ChildServer.FreePort(), AdminKey, _environment);

    /// <summary>Registers a classic-mode app (every token call mints a new token, so each call shows) in WeChat and in WxHub.</summary>
    public async Task RegisterAppAsync(string appid, string tokenMode = "classic")
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Expect(HttpStatusCode.Created, await EmulatorClient.PostAsJsonAsync("/__emulator/apps", new { appid, secret, type = "official_account" }));
        Expect(HttpStatusCode.Created, await Instances[0].Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret, type = "official_account", token_mode = tokenMode }));
    }

    /// <summary>One client per instance, each holding the same new API key for <paramref name="apps"/>.</summary>
    public async Task<HttpClient[]> KeyClientsAsync(params string[] apps)
    {
        var created = await Instances[0].Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "cluster", apps });
        Expect(HttpStatusCode.Created, created);
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        return [.. Instances.Select(instance =>
        {
            var client = new HttpClient { BaseAddress = instance.Address, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            _clients.Add(client);
            return client;
        })];
    }

    /// <summary>How many calls the emulator received on <paramref name="path"/> for <paramref name="appid"/>.</summary>
    public async Task<int> UpstreamCallsAsync(string path, string appid)
    {
        var stats = JsonNode.Parse(await EmulatorClient.GetStringAsync("/__emulator/stats"))!;
        return stats["calls"]?[path]?[appid]?.GetValue<int>() ?? 0;
    }

    /// <summary>Null when WeChat takes the token, else its errcode (40001 replaced, 42001 expired).</summary>
    public async Task<int?> RejectionOfAsync(string accessToken)
    {
        var answer = JsonNode.Parse(await EmulatorClient.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(accessToken)}"))!;
        return answer["errcode"]?.GetValue<int>() is { } errcode and not 0 ? errcode : null;
    }

    /// <summary>The live holder of a lease, read from the shared database, or null.</summary>
    public async Task<(string Holder, long Generation, DateTimeOffset ExpiresAt)?> LeaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT holder, generation, expires_at FROM leases WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetString(0), reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
            : null;
    }

    /// <summary>The instance whose process holds the lease (its id names the process).</summary>
    public ChildServer? HolderOf(string holder) => Instances.FirstOrDefault(i => holder.Split(':')[1] == i.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances) instance.Dispose();
        foreach (var client in _clients) client.Dispose();
        EmulatorClient.Dispose();
        await Emulator.DisposeAsync();
        _data.Dispose();
    }

    private static void Expect(HttpStatusCode status, HttpResponseMessage response)
    {
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)status}: {response.Content.ReadAsStringAsync().Result}");
    }
}
