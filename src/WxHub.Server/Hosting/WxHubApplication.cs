using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.OAuth;
using WxHub.Server.Components;
using WxHub.Server.Admin;
using WxHub.Server.Business;
using WxHub.Server.Dashboard;
using WxHub.Server.Health;
using WxHub.Server.Http;
using WxHub.Server.Logins;
using WxHub.Server.Messages;
using WxHub.Server.Proxy;

using WxHub.Server.Metrics;

namespace WxHub.Server.Hosting;

/// <summary>Builds the WxHub web application; used by <c>wxhub serve</c> and by tests that start the real server.</summary>
public static class WxHubApplication
{
    /// <param name="overrides">Settings that win over appsettings.json and the environment (the command line's flags).</param>
    /// <param name="configureServices">Last word on services, e.g. a test's manual <see cref="TimeProvider"/>.</param>
    public static WebApplication Build(
        IReadOnlyDictionary<string, string?> overrides,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
        });

        builder.Configuration.AddWxHubSources(overrides);

        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(builder.Configuration["Urls"]!);
        builder.Services.AddRoutingCore();
        // Framework chatter at Warning by default; the "Logging" section of configuration can say otherwise.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Off by default: while any of its levels is on, hosting starts an Activity and a logging scope for every request,
        // 4 % of token-read throughput when measured. It logs only each request's start and end (Information); Kestrel
        // logs a request's unhandled exception under its own category. Configuration can turn it back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

        var settings = builder.Configuration.Get<WxHubSettings>() ?? new WxHubSettings();
        builder.Services.Configure<WxHubSettings>(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddWxHubAdministration(settings);
        builder.Services.AddHostedService<ConfiguredAppsImporter>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ApiKeyAuthenticator>());
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AppAdministration>());
        builder.Services.AddWxHubCredentials(builder.Configuration);
        builder.Services.AddWxHubLogins(builder.Configuration);
        builder.Services.AddWxHubMessageServer(builder.Configuration);
        builder.Services.AddWxHubProxy(builder.Configuration);

        builder.Services.AddWxHubMetricsExport();
        builder.Services.AddWxHubDashboard(builder.Configuration);
        builder.Services.AddWxHubComponents(builder.Configuration);
        builder.Services.AddSingleton<ComponentEventHandler>();
        builder.Services.AddSingleton<AuthorizationHandler>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseStoreFailureAnswers();
        app.MapHealthEndpoints();
        app.MapMetrics();
        app.MapDashboard();
        app.MapAdminApi();
        app.MapBusinessApi();
        app.MapLoginEndpoints();
        app.MapUserEndpoints();
        app.MapMessageServer();
        app.MapWeChatProxy();
        app.MapComponents();
        return app;
    }
}
