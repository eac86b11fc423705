using Microsoft.AspNetCore.Builder;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Control;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Messages;
using WxHub.Emulator.OAuth;
using WxHub.Emulator.Pushes;
using WxHub.Emulator.Users;

namespace WxHub.Emulator;

/// <summary>
/// A running local WeChat: the API servers on one loopback listener per access point (api, api2, sh, sz, hk), all
/// sharing one state, with the browser pages, the pushes and the control API under <c>/__emulator/</c>.
/// </summary>
public sealed class WeChatEmulator : IAsyncDisposable, IAccessPointSwitch
{
    private readonly Dictionary<string, AccessPointHost> _hosts;
    private readonly EmulatorState _state;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _pushClient = PushSender.CreateClient();
    private readonly TicketScheduler _tickets;
    private readonly Seeder _seeder;

    private WeChatEmulator(EmulatorOptions options)
    {
        var clock = new EmulatorClock(options.TimeProvider);
        _state = new EmulatorState(options, clock);
        var guard = new ApiGuard(_state);
        var credentials = new CredentialEndpoints(_state, guard);
        var oauth = new OAuthEndpoints(_state, guard);
        var users = new UserEndpoints(_state, guard);
        var messages = new MessageEndpoints(_state, guard);
        var appRegistrar = new AppRegistrar(_state);
        var control = new ControlEndpoints(_state, appRegistrar, this);
        var userControl = new UserControl(_state);
        var openData = new OpenDataControl(_state);

        var sender = new PushSender(_pushClient, clock, options, _stopping.Token);
        var pushLog = new PushLog();
        var notifier = new ComponentNotifier(_state, sender, pushLog);
        var authorizations = new ComponentAuthorizations(_state, notifier);
        _tickets = new TicketScheduler(_state, notifier);
        var components = new ComponentEndpoints(_state, guard, authorizations, _tickets);
        var authorizationPage = new AuthorizationPage(_state, authorizations);
        var componentControl = new ComponentControl(_state, authorizations, _tickets);
        var pushControl = new PushControl(new MessagePusher(_state, sender, pushLog), pushLog);
        _seeder = new Seeder(appRegistrar, componentControl, userControl);

        void Configure(WebApplication app, string accessPoint)
        {
            app.UseWeChatPipeline(_state, accessPoint);
            credentials.Map(app);
            oauth.Map(app);
            users.Map(app);
            messages.Map(app);
            components.Map(app);
            authorizationPage.Map(app);
            control.Map(app, accessPoint);
            userControl.Map(app);
            openData.Map(app);
            componentControl.Map(app);
            pushControl.Map(app);
            _seeder.Map(app);
        }

        _hosts = AccessPointNames.All
            .Select((name, i) => new AccessPointHost(name, options.Address, options.BasePort == 0 ? 0 : options.BasePort + i, Configure))
            .ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    /// <summary>The <c>api</c> access point, WeChat's <c>https://api.weixin.qq.com</c>; pages and the control API are served there too.</summary>
    public Uri BaseUrl => AccessPoints[AccessPointNames.Api];

    /// <summary>The base URL of each access point by name (<see cref="AccessPointNames"/>), up or down.</summary>
    public IReadOnlyDictionary<string, Uri> AccessPoints => _hosts.ToDictionary(h => h.Key, h => h.Value.Url);

    public static async Task<WeChatEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new EmulatorOptions();
        options.Validate();
        var emulator = new WeChatEmulator(options);
        try
        {
            foreach (var host in emulator._hosts.Values) await host.StartAsync(cancellation);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
        return emulator;
    }

    /// <summary>
    /// Sets up apps, platforms and users from a seed document: <c>{"apps": [...], "components": [...], "users": [...]}</c>,
    /// each entry the body of its <c>POST /__emulator/apps|components|users</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The document or one of its entries is not valid; the message says which and why.</exception>
    public SeedResult LoadSeed(string json) => _seeder.Apply(json);

    public bool IsUp(string accessPoint) => Host(accessPoint).IsUp;

    /// <summary>Stops the access point's listener: its calls are refused until <see cref="BringUpAsync"/>.</summary>
    public Task TakeDownAsync(string accessPoint) => Host(accessPoint).StopAsync();

    /// <summary>Listens again, on the same port.</summary>
    public Task BringUpAsync(string accessPoint) => Host(accessPoint).StartAsync();

    IReadOnlyList<AccessPointView> IAccessPointSwitch.Describe() =>
        _hosts.Values.Select(h => new AccessPointView(h.Name, h.Url.ToString(), h.IsUp)).ToList();

    /// <summary>Stops the listeners and the ticket pushes; pushes in flight are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        _tickets.Dispose();
        await _stopping.CancelAsync();
        foreach (var host in _hosts.Values) await host.StopAsync();
        await Task.WhenAll(ComponentQueues());
        _pushClient.Dispose();
        _stopping.Dispose();
    }

    private List<Task> ComponentQueues()
    {
        lock (_state.Gate) return _state.Components.Values.Select(c => c.Pushes.Drained).ToList();
    }

    private AccessPointHost Host(string name) =>
        _hosts.GetValueOrDefault(name) ?? throw new ArgumentException($"No access point '{name}'; there are {string.Join(", ", AccessPointNames.All)}.", nameof(name));
}
