using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace WxHub.Emulator.Hosting;

/// <summary>
/// One access point: its own Kestrel listener serving the shared state. Taking it down really stops the listener,
/// so callers get connection refused; bringing it up listens on the same port again.
/// </summary>
internal sealed class AccessPointHost(string name, IPAddress address, int port, Action<WebApplication, string> configure)
{
    private readonly SemaphoreSlim _switch = new(1, 1);
    private WebApplication? _app;
    private int _port = port;

    public string Name { get; } = name;

    public Uri Url => new($"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{_port}/");

    public bool IsUp => Volatile.Read(ref _app) is not null;

    public async Task StartAsync(CancellationToken cancellation = default)
    {
        await _switch.WaitAsync(cancellation);
        try
        {
            if (_app is not null) return;
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address, _port));
            builder.Services.AddRoutingCore();
            var app = builder.Build();
            configure(app, Name);
            await app.StartAsync(cancellation);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _port = new Uri(bound).Port;
            _app = app;
        }
        finally
        {
            _switch.Release();
        }
    }

    public async Task StopAsync()
    {
        await _switch.WaitAsync();
        try
        {
            if (_app is not { } app) return;
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
        finally
        {
            _switch.Release();
        }
    }
}
