using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Coordination;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Identity;
using WxHub.Core.Messages;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Postgres;
using WxHub.Core.Storage.Sql;
using WxHub.Core.Storage.Sqlite;

namespace WxHub.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The embedded SQLite store in <paramref name="dataDirectory"/>, with secrets encrypted under the master key
    /// (configured, or the data folder's key file) and the admin key (likewise).
    /// </summary>
    public static IServiceCollection AddWxHubSqliteStore(this IServiceCollection services, string dataDirectory, string? masterKey, string? adminKey)
    {
        Directory.CreateDirectory(dataDirectory);
        services.AddSingleton(new SecretProtector(MasterKey.Load(dataDirectory, masterKey)));
        services.AddSingleton(AdminKey.Load(dataDirectory, adminKey));
        // Built by the container, which drains its write queue at shutdown.
        services.AddSingleton(_ => new SqliteDatabase(dataDirectory));
        services.AddSingleton<SqlDatabase>(provider => provider.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IChangeNotifications, InProcessChangeNotifications>();
        services.AddSingleton(WxHubInstance.Start(clustered: false));
        return services.AddSqlStores();
    }

    /// <summary>
    /// A PostgreSQL store shared by a cluster of instances. Nothing secret is kept in files: every instance must be
    /// given the same master and admin keys through configuration.
    /// </summary>
    public static IServiceCollection AddWxHubPostgresStore(this IServiceCollection services, string connectionString, string? masterKey, string? adminKey)
    {
        const string why = "With the PostgreSQL store every instance must share the keys";
        services.AddSingleton(new SecretProtector(MasterKey.Require(masterKey, why)));
        services.AddSingleton(AdminKey.Require(adminKey, why));
        // Built by the container, which disposes its connection pool at shutdown.
        services.AddSingleton(_ => new PostgresDatabase(connectionString));
        services.AddSingleton<SqlDatabase>(provider => provider.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<IChangeNotifications, PostgresChangeNotifications>();
        services.AddSingleton(WxHubInstance.Start(clustered: true));
        return services.AddSqlStores();
    }

    private static IServiceCollection AddSqlStores(this IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IStoreHealth>(provider => provider.GetRequiredService<SqlDatabase>());
        services.AddSingleton<IAppStore, SqlAppStore>();
        services.AddSingleton<ICredentialStore, SqlCredentialStore>();
        services.AddSingleton<IRefreshEventStore, SqlRefreshEventStore>();
        services.AddSingleton<IQuotaStore, SqlQuotaStore>();
        services.AddSingleton<IApiKeyStore, SqlApiKeyStore>();
        services.AddSingleton<ISubscriberStore, SqlSubscriberStore>();
        services.AddSingleton<ICallbackStore, SqlCallbackStore>();
        services.AddSingleton<IOutboxStore, SqlOutboxStore>();
        services.AddSingleton<ILeaseStore, SqlLeaseStore>();
        services.AddSingleton<IComponentStore, SqlComponentStore>();
        services.AddSingleton<IAuthorizerStore, SqlAuthorizerStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<IOAuthStore, SqlOAuthStore>();
        services.AddSingleton<IOAuthGrantStore, SqlOAuthGrantStore>();
        services.AddSingleton<IMiniProgramSessionStore, SqlMiniProgramSessionStore>();
        services.AddSingleton<IUserDirectoryStore, SqlUserDirectoryStore>();
        services.AddSingleton<IBackfillStore, SqlBackfillStore>();
        return services;
    }
}
