using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Identity;
using WxHub.Core.Messages;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sqlite;

namespace WxHub.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The embedded SQLite store in <paramref name="dataDirectory"/>, with secrets encrypted under the master key
    /// (configured, or the data folder's key file) and the admin key.
    /// </summary>
    public static IServiceCollection AddWxHubSqliteStore(this IServiceCollection services, string dataDirectory, string? masterKey, string? adminKey)
    {
        Directory.CreateDirectory(dataDirectory);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new SecretProtector(MasterKey.Load(dataDirectory, masterKey)));
        services.AddSingleton(AdminKey.Load(dataDirectory, adminKey));
        services.AddSingleton(new SqliteDatabase(dataDirectory));
        services.AddSingleton<SqliteWriteQueue>();
        services.AddSingleton<IAppStore, SqliteAppStore>();
        services.AddSingleton<ICredentialStore, SqliteCredentialStore>();
        services.AddSingleton<IRefreshEventStore, SqliteRefreshEventStore>();
        services.AddSingleton<IQuotaStore, SqliteQuotaStore>();
        services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
        services.AddSingleton<ISubscriberStore, SqliteSubscriberStore>();
        services.AddSingleton<ICallbackStore, SqliteCallbackStore>();
        services.AddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.AddSingleton<IComponentStore, SqliteComponentStore>();
        services.AddSingleton<IAuthorizerStore, SqliteAuthorizerStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<IOAuthStore, SqliteOAuthStore>();
        services.AddSingleton<IOAuthGrantStore, SqliteOAuthGrantStore>();
        services.AddSingleton<IMiniProgramSessionStore, SqliteMiniProgramSessionStore>();
        services.AddSingleton<IUserDirectoryStore, SqliteUserDirectoryStore>();
        services.AddSingleton<IBackfillStore, SqliteBackfillStore>();
        return services;
    }
}
