using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.Components;
using WxHub.Core.Messages;
using WxHub.Core.Storage;

namespace WxHub.Server.Hosting;

public static class AdministrationServices
{
    /// <summary>The store, keys and the app/key administration, as both the server and the CLI's admin verbs use them.</summary>
    public static IServiceCollection AddWxHubAdministration(this IServiceCollection services, WxHubSettings settings)
    {
        services.AddWxHubStore(settings);
        services.AddSingleton<AppAdministration>();
        services.AddSingleton<KeyAdministration>();
        services.AddSingleton<SubscriberAdministration>();
        services.AddSingleton<CredentialReport>();
        services.AddSingleton<ComponentAdministration>();
        services.AddSingleton<AccountDirectory>();
        return services;
    }

    /// <summary>The store that <see cref="WxHubSettings.Store"/> names.</summary>
    private static IServiceCollection AddWxHubStore(this IServiceCollection services, WxHubSettings settings) =>
        settings.Store.Trim().ToLowerInvariant() switch
        {
            WxHubSettings.SqliteStore => services.AddWxHubSqliteStore(settings.Data, settings.MasterKey, settings.AdminKey),
            WxHubSettings.PostgresStore or "postgresql" => services.AddWxHubPostgresStore(
                string.IsNullOrWhiteSpace(settings.Connection)
                    ? throw new InvalidOperationException("The PostgreSQL store needs a connection string: --connection \"Host=…;Database=…;Username=…;Password=…\" (or WXHUB_CONNECTION, or Connection in appsettings.json).")
                    : settings.Connection,
                settings.MasterKey,
                settings.AdminKey),
            _ => throw new InvalidOperationException($"Unknown store '{settings.Store}': use --store sqlite (the default) or --store postgres (WXHUB_STORE, Store in appsettings.json)."),
        };
}
