using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Access;
using WxHub.Core.Apps;

namespace WxHub.Server.Hosting;

/// <summary>
/// At start: says where a newly created admin key was written, and brings apps declared in configuration into the
/// store (configuration wins over what the store has). Runs before the server listens.
/// </summary>
internal sealed partial class ConfiguredAppsImporter(
    IOptions<WxHubSettings> settings,
    AppAdministration apps,
    IAppStore store,
    AdminKey adminKey,
    ILogger<ConfiguredAppsImporter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (adminKey.CreatedAtPath is { } path) LogAdminKeyCreated(path);

        foreach (var declared in settings.Value.Apps)
        {
            var appid = declared.Appid ?? "";
            var result = await store.GetAsync(appid, cancellationToken) is null
                ? await apps.AddAsync(new AppRegistrationRequest(declared.Appid, declared.Secret, declared.Type, declared.TokenMode, declared.Token, declared.EncodingAesKey), cancellationToken)
                : await apps.ChangeAsync(appid, new AppChangeRequest(declared.Secret, declared.Type, declared.TokenMode, declared.Token, declared.EncodingAesKey), cancellationToken);
            if (!result.Succeeded)
                throw new InvalidOperationException($"App '{appid}' declared in configuration (Apps) is invalid: {result.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the admin key; it is in {Path} (readable only by this user). Use it as 'Authorization: Bearer <key>' on /v1/admin.")]
    private partial void LogAdminKeyCreated(string path);
}
