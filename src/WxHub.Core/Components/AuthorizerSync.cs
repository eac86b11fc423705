using Microsoft.Extensions.Logging;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;

namespace WxHub.Core.Components;

/// <summary>What a sync found: WeChat's count, and how many grants were added, replaced, already stored or ended.</summary>
public sealed record SyncReport(int Total, int Added, int Replaced, int Unchanged, int Revoked);

/// <summary>
/// Restores and checks a platform's grants from WeChat's own record, <c>api_get_authorizer_list</c>, which carries
/// every authorizer's refresh token: a lost store, a missed push or a grant whose exchange was cut short all come back
/// this way. Pages of 500 are stored one transaction each; refresh tokens are compared by hash, never decrypted.
/// </summary>
public sealed partial class AuthorizerSync(
    IComponentStore components,
    IAuthorizerStore authorizers,
    ComponentApiClient api,
    ComponentTokenCalls calls,
    AuthorizationGrants grants,
    CredentialManager manager,
    TimeProvider time,
    ILogger<AuthorizerSync> logger)
{
    /// <param name="listed">Told after each page how many authorizers WeChat listed so far and its total (a command line's progress bar).</param>
    public async Task<Outcome<SyncReport>> SyncAsync(string componentAppid, CancellationToken cancellationToken, Action<int, int>? listed = null)
    {
        if (await components.GetAsync(componentAppid, cancellationToken) is null)
            return new Problem(ProblemKind.NotFound, "component_not_found", ComponentAdministration.NotFound<ComponentRegistration>(componentAppid).Message!);

        var stored = await authorizers.ActiveTokenHashesAsync(componentAppid, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int total = 0, added = 0, replaced = 0, unchanged = 0;
        for (var offset = 0; ; )
        {
            var page = await calls.CallAsync(componentAppid,
                (token, c) => api.GetAuthorizerListAsync(componentAppid, token, offset, ComponentApiClient.MaxListPage, c), cancellationToken);
            if (!page.Succeeded) return page.Problem;
            var items = page.Value.List ?? [];
            total = page.Value.TotalCount ?? 0;

            var now = time.GetUtcNow();
            var changed = new List<Authorizer>();
            foreach (var item in items)
            {
                if (item is not { AuthorizerAppid: { Length: > 0 } appid, RefreshToken: { Length: > 0 } refreshToken } || !seen.Add(appid)) continue;
                if (stored.TryGetValue(appid, out var hash) && RefreshTokenHash.Matches(hash, refreshToken))
                {
                    unchanged++;
                    continue;
                }
                var scopes = hash is null ? [] : (await authorizers.GetAsync(appid, cancellationToken))?.Scopes ?? [];
                var authorizedAt = item.AuthTime is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;
                changed.Add(new Authorizer(appid, componentAppid, AuthorizerStatus.Authorized, refreshToken, scopes, null, authorizedAt, now, null));
            }
            if (changed.Count > 0)
            {
                var results = await authorizers.SaveGrantsAsync(changed, "synced", "refresh token from api_get_authorizer_list", cancellationToken);
                added += results.Count(r => r == GrantChange.Added);
                replaced += results.Count(r => r == GrantChange.Replaced);
                foreach (var grant in changed) manager.Forget(grant.Appid);
                manager.Track(changed.Select(grant => new CredentialKey(grant.Appid, CredentialKind.AccessToken)));
            }

            offset += items.Count;
            listed?.Invoke(offset, total);
            if (items.Count == 0 || offset >= total) break;
        }

        // Grants WeChat no longer lists were withdrawn while WxHub did not hear of it.
        var revoked = 0;
        foreach (var appid in stored.Keys.Where(appid => !seen.Contains(appid)))
        {
            if (await grants.RevokeAsync(componentAppid, appid, "unauthorized", "not in WeChat's authorizer list (sync)", cancellationToken)) revoked++;
        }
        var report = new SyncReport(total, added, replaced, unchanged, revoked);
        LogSynced(componentAppid, report.Total, report.Added, report.Replaced, report.Unchanged, report.Revoked);
        return report;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Synced platform {ComponentAppid} with WeChat's authorizer list: {Total} listed, {Added} added, {Replaced} refresh tokens replaced, {Unchanged} unchanged, {Revoked} ended")]
    private partial void LogSynced(string componentAppid, int total, int added, int replaced, int unchanged, int revoked);
}
