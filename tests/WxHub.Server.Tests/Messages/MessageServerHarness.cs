using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxHub.Protocol.Crypto;
using WxHub.Server.Hosting;
using WxHub.Server.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>
/// The real WxHub server on loopback with a manual clock, an admin client, the <c>wxhub.callbacks</c> counts of this
/// server alone (through a MeterListener) and its log lines.
/// </summary>
public sealed class MessageServerHarness : IAsyncDisposable
{
    public const string AdminKey = "messages-admin-key-0123456789";
    public const string Token = "callbacktoken42";
    public const string NoWeChat = "http://127.0.0.1:9";

    private readonly TempDirectory _data = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Outcome, string? Reason), long> _callbacks = new();

    private MessageServerHarness() { }

    public ManualTimeProvider Clock { get; } = new();
    /// <summary>The data folder (the SQLite store, unless the settings name another).</summary>
    public string DataPath => _data.Path;
    public CapturedLogs Logs { get; } = new();
    public RunningServer Server { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public static async Task<MessageServerHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = new MessageServerHarness();
        var overrides = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = harness._data.Path,
            ["AdminKey"] = AdminKey,
            // Registered apps make WxHub fetch their tokens; keep that on loopback (and refused) rather than on WeChat.
            ["WeChatApi"] = NoWeChat,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        harness.Server = await RunningServer.StartAsync(WxHubApplication.Build(overrides, services =>
        {
            services.AddSingleton<TimeProvider>(harness.Clock);
            services.AddSingleton<ILoggerProvider>(harness.Logs);
        }));
        harness.Admin = new HttpClient { BaseAddress = harness.Server.Address };
        harness.Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        harness.ListenToCallbacks();
        return harness;
    }

    /// <summary>Registers an app with the message Token and, unless <paramref name="aesKey"/> is null, an EncodingAESKey.</summary>
    public async Task<FakeWeChat> RegisterAppAsync(string appid, EncodingAesKey? aesKey, string type = "official_account")
    {
        var response = await Admin.PostAsJsonAsync("/v1/admin/apps", new
        {
            appid, secret = "app-secret", type, token = Token, encoding_aes_key = aesKey?.Value,
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return new FakeWeChat(Server.Client, appid, Token, aesKey, Clock);
    }

    public async Task<string> SubscribeAsync(string appid, Uri url, string mode, params string[] events)
    {
        var response = await Admin.PostAsJsonAsync($"/v1/admin/apps/{appid}/subscribers", new { url, secret = SubscriberServer.Secret, events, mode });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();
    }

    public async Task<JsonArray> GetArrayAsync(string path) => JsonNode.Parse(await Admin.GetStringAsync(path))!.AsArray();

    /// <summary>The app's recent callbacks once each has its outcome (written just after WeChat is answered).</summary>
    public async Task<JsonArray> SettledCallbacksAsync(string appid)
    {
        JsonArray callbacks = [];
        await Eventually.True(async () =>
        {
            callbacks = await GetArrayAsync($"/v1/admin/apps/{appid}/callbacks");
            return callbacks.All(c => c!["outcome"]!.GetValue<string>() != "pending");
        }, "every callback has its outcome");
        return callbacks;
    }

    /// <summary>How often this server counted a callback with the outcome (and reject reason).</summary>
    public long Count(string outcome, string? reason = null) => _callbacks.GetValueOrDefault((outcome, reason));

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        Admin.Dispose();
        await Server.DisposeAsync();
        _data.Dispose();
    }

    private void ListenToCallbacks()
    {
        var meters = Server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Other tests run servers in this process at the same time; count only this server's meter.
            if (instrument.Name == CallbackMetrics.CallbacksCounter && instrument.Meter.Scope == meters) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome") outcome = tag.Value as string;
                if (tag.Key == "reason") reason = tag.Value as string;
            }
            _callbacks.AddOrUpdate((outcome!, reason), value, (_, total) => total + value);
        });
        _listener.Start();
    }
}

/// <summary>Every log line the server writes, formatted, for tests that check what is (and is not) logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose() { }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
