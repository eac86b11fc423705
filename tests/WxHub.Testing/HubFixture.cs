using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Emulator;
using WxHub.Server.Hosting;

namespace WxHub.Testing;

/// <summary>
/// The whole loop on loopback: the WeChat emulator and the real WxHub server pointed at its access points, sharing one
/// manual clock, with an admin client. Tests register apps in both and create API keys through the real APIs.
/// </summary>
public sealed class HubFixture : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-lifecycle-0123456789";

    private readonly TempDirectory _data;
    private readonly List<HttpClient> _clients = [];
    private readonly Dictionary<string, string> _secrets = [];
    private int _apps;

    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly Action<IServiceCollection>? _services;

    private HubFixture(
        ManualTimeProvider clock, WeChatEmulator emulator, TempDirectory data, RunningServer server,
        IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _services = services;
        Clock = clock;
        Emulator = emulator;
        _data = data;
        Server = server;
        EmulatorClient = Track(new HttpClient { BaseAddress = emulator.BaseUrl });
        Admin = Client(AdminKey);
    }

    public ManualTimeProvider Clock { get; }
    public WeChatEmulator Emulator { get; }
    public RunningServer Server { get; private set; }
    public HttpClient EmulatorClient { get; }

    /// <summary>WxHub's data folder (the SQLite file and keys).</summary>
    public string DataPath => _data.Path;

    /// <summary>A client of the WxHub server holding the admin key.</summary>
    public HttpClient Admin { get; private set; }

    /// <param name="settings">More WxHub settings (e.g. <c>Credentials:RefreshJitter</c>) over the fixture's own.</param>
    /// <param name="services">Last word on the server's services (e.g. a provider another feature will supply).</param>
    /// <param name="clockStart">Where the shared clock starts; by default a fixed instant, for stable output.</param>
    public static async Task<HubFixture> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, DateTimeOffset? clockStart = null)
    {
        var clock = clockStart is { } start ? new ManualTimeProvider(start) : new ManualTimeProvider();
        var emulator = await WeChatEmulator.StartAsync(new EmulatorOptions { TimeProvider = clock });
        var data = new TempDirectory();
        var server = await StartServerAsync(clock, emulator, data, settings, services);
        return new HubFixture(clock, emulator, data, server, settings, services);
    }

    /// <summary>
    /// Stops the server and starts a new one on the same data folder and settings, as a process restart would. Clients made before
    /// aim at the old server; make new ones.
    /// </summary>
    /// <param name="downFor">How far the clock moves while no server runs.</param>
    /// <param name="whileDown">What happens to the data folder while no server runs (e.g. the store is lost).</param>
    public async Task RestartServerAsync(TimeSpan downFor = default, Func<string, Task>? whileDown = null)
    {
        await Server.DisposeAsync();
        Clock.Advance(downFor);
        if (whileDown is not null) await whileDown(DataPath);
        // The same address as before: WeChat's push URLs point at it.
        Server = await StartServerAsync(Clock, Emulator, _data, _settings, _services, Server.Address);
        Admin = Client(AdminKey);
    }

    /// <summary>Registers an app in the emulator (WeChat) and in WxHub, with the same secret unless <paramref name="secretInWxHub"/> says otherwise.</summary>
    /// <param name="callbackUrl">Where the emulator pushes the app's messages (with a token), for tests that push.</param>
    /// <param name="openAccount">The open platform account the app is bound to, so that its users have a unionid.</param>
    public async Task<string> RegisterAppAsync(
        string tokenMode = "stable", string[]? ipWhitelist = null, string? secretInWxHub = null, Uri? callbackUrl = null, string? openAccount = null)
    {
        var appid = $"wx{Interlocked.Increment(ref _apps):D16}";
        var secret = _secrets[appid] = $"secret-{Guid.NewGuid():N}";
        await ExpectAsync(HttpStatusCode.Created, EmulatorClient.PostAsJsonAsync("/__emulator/apps", new JsonObject
        {
            ["appid"] = appid,
            ["secret"] = secret,
            ["type"] = "official_account",
            ["ip_whitelist"] = ipWhitelist is null ? null : new JsonArray(ipWhitelist.Select(ip => (JsonNode)ip).ToArray()),
            ["callback_url"] = callbackUrl?.AbsoluteUri,
            ["token"] = callbackUrl is null ? null : "callback-token",
            ["open_account"] = openAccount,
        }));
        await ExpectAsync(HttpStatusCode.Created, Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret = secretInWxHub ?? secret, type = "official_account", token_mode = tokenMode }));
        return appid;
    }

    /// <summary>The secret the emulator holds for an app registered by <see cref="RegisterAppAsync"/>.</summary>
    public string SecretOf(string appid) => _secrets[appid];

    /// <summary>A client of the WxHub server holding a new API key for <paramref name="apps"/>.</summary>
    public async Task<HttpClient> KeyClientAsync(params string[] apps) => Client(await CreateKeyAsync(apps));

    /// <summary>A new API key for <paramref name="apps"/>, with all scopes unless <paramref name="scopes"/> names some.</summary>
    public async Task<string> CreateKeyAsync(string[] apps, string[]? scopes = null)
    {
        var created = await ExpectAsync(HttpStatusCode.Created, Admin.PostAsJsonAsync("/v1/admin/keys", new { name = "test", apps, scopes }));
        return JsonNode.Parse(created)!["key"]!.GetValue<string>();
    }

    /// <summary>A client of the current WxHub server sending <paramref name="key"/> as its bearer token.</summary>
    public HttpClient Client(string key)
    {
        var client = Track(new HttpClient { BaseAddress = Server.Address });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>How many calls the emulator received on <paramref name="path"/> for <paramref name="appid"/>.</summary>
    public async Task<int> UpstreamCallsAsync(string path, string appid)
    {
        var stats = JsonNode.Parse(await EmulatorClient.GetStringAsync("/__emulator/stats"))!;
        return stats["calls"]?[path]?[appid]?.GetValue<int>() ?? 0;
    }

    public async Task InjectFaultAsync(object fault) =>
        (await EmulatorClient.PostAsJsonAsync("/__emulator/faults", fault)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Emulator.DisposeAsync();
        foreach (var client in _clients) client.Dispose();
        _data.Dispose();
    }

    private static async Task<string> ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == status
            ? body
            : throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}, expected {(int)status}: {body}");
    }

    private HttpClient Track(HttpClient client)
    {
        _clients.Add(client);
        return client;
    }

    private static Task<RunningServer> StartServerAsync(
        ManualTimeProvider clock, WeChatEmulator emulator, TempDirectory data, IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? services = null, Uri? address = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Urls"] = address is null ? "http://127.0.0.1:0" : address.GetLeftPart(UriPartial.Authority),
            ["Data"] = data.Path,
            ["AdminKey"] = AdminKey,
            ["WeChatApi"] = string.Join(",", AccessPointNames.All.Select(name => emulator.AccessPoints[name])),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        return RunningServer.StartAsync(WxHubApplication.Build(overrides, collection =>
        {
            collection.AddSingleton<TimeProvider>(clock);
            services?.Invoke(collection);
        }));
    }
}
