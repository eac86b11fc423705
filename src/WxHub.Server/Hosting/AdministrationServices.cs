using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Messages;
using WxHub.Core.Storage;

namespace WxHub.Server.Hosting;

public static class AdministrationServices
{
    /// <summary>The store, keys and the app/key administration, as both the server and the CLI's admin verbs use them.</summary>
    public static IServiceCollection AddWxHubAdministration(this IServiceCollection services, WxHubSettings settings)
    {
        services.AddWxHubSqliteStore(settings.Data, settings.MasterKey, settings.AdminKey);
        services.AddSingleton<AppAdministration>();
        services.AddSingleton<KeyAdministration>();
        services.AddSingleton<SubscriberAdministration>();
        services.AddSingleton<ComponentAdministration>();
        services.AddSingleton<AccountDirectory>();
        return services;
    }
}
