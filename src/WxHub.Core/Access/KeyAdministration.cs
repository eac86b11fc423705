using WxHub.Core.Apps;
using WxHub.Core.Coordination;

namespace WxHub.Core.Access;

/// <summary>A key as created: the record, and the key itself, which is shown this once and never stored.</summary>
public sealed record CreatedApiKey(ApiKey Record, string Key);

/// <summary>Creates, lists and revokes business API keys for every front end (admin API, CLI).</summary>
public sealed class KeyAdministration(IApiKeyStore store, ApiKeyAuthenticator authenticator, IChangeNotifications notifications, TimeProvider time)
{
    public async Task<AdminResult<CreatedApiKey>> CreateAsync(string? name, IReadOnlyList<string>? apps, IReadOnlyList<string>? scopes, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            return Fail("invalid_name", "'name' is required (up to 100 characters): say who uses the key, e.g. \"shop-backend\".");
        if (apps is null || apps.Count == 0 || apps.Any(string.IsNullOrWhiteSpace))
            return Fail("invalid_apps", "'apps' must list the appids the key may use (apps or authorizers), \"component:<component_appid>\" for a platform and all its authorizers, or [\"*\"] for everything.");
        var granted = scopes is null || scopes.Count == 0 ? ApiScopes.All : scopes;
        if (granted.Except(ApiScopes.All).FirstOrDefault() is { } unknown)
            return Fail("invalid_scopes", $"Unknown scope '{unknown}'. Scopes are: {string.Join(", ", ApiScopes.All)}; omit 'scopes' for all of them.");

        var (id, key, hash) = ApiKeySecret.Generate();
        var record = new ApiKey(id, name.Trim(), apps.Distinct().ToArray(), granted.Distinct().ToArray(), hash, time.GetUtcNow(), null);
        await store.AddAsync(record, cancellationToken);
        return AdminResult<CreatedApiKey>.Ok(new CreatedApiKey(record, key));
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        var revoked = await store.RevokeAsync(id, time.GetUtcNow(), cancellationToken);
        authenticator.Forget(id);
        // Other instances of a cluster hold the key in their caches too.
        await notifications.PublishAsync(ApiKeyAuthenticator.RevocationChannel, id, cancellationToken);
        return revoked;
    }

    private static AdminResult<CreatedApiKey> Fail(string error, string message) => AdminResult<CreatedApiKey>.Fail(error, message);
}
