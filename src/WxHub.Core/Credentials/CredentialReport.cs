using WxHub.Core.Apps;

namespace WxHub.Core.Credentials;

/// <summary><see cref="Refreshing"/> is known only to a running server (a refresh in flight), never to the store alone.</summary>
public enum CredentialState { Valid, Refreshing, Failing, Expired, Missing }

/// <summary>One row of the operator's overview: what the store holds for a credential and how its last refresh went.</summary>
public sealed record CredentialReportRow(CredentialKey Key, CredentialState State, DateTimeOffset? ExpiresAt, TimeSpan? TimeLeft, RefreshEvent? LastRefresh)
{
    /// <summary>The last attempt when it did not succeed: the error an operator has to fix.</summary>
    public RefreshEvent? LastError => LastRefresh is { Outcome: not RefreshOutcome.Succeeded } failed ? failed : null;
}

/// <summary>
/// Every credential of every app as the store and the refresh events tell it, without a running server (the
/// command line's <c>wxhub status</c>). Access tokens are always listed; tickets once WxHub holds or tried one.
/// </summary>
public sealed class CredentialReport(IAppStore apps, ICredentialStore credentials, IRefreshEventStore events, TimeProvider time)
{
    private const int EventsPerApp = 50;

    public async Task<IReadOnlyList<CredentialReportRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<CredentialReportRow>();
        foreach (var app in await apps.ListAsync(cancellationToken))
            rows.AddRange(await AccountAsync(app.Appid, CredentialKind.AccessToken, cancellationToken));
        return rows;
    }

    /// <summary>
    /// One account's credentials: <paramref name="always"/> is listed even when WxHub holds none (an app's or authorizer's
    /// access token, a platform's component token); the other kinds once WxHub holds or tried one.
    /// </summary>
    public async Task<IReadOnlyList<CredentialReportRow>> AccountAsync(string appid, CredentialKind always, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var rows = new List<CredentialReportRow>();
        var recent = await events.ListAsync(appid, EventsPerApp, cancellationToken);
        foreach (var kind in Enum.GetValues<CredentialKind>())
        {
            var key = new CredentialKey(appid, kind);
            var stored = await credentials.GetAsync(key, cancellationToken);
            var last = recent.FirstOrDefault(e => e.Key == key);
            if (kind != always && stored is null && last is null) continue;
            rows.Add(Row(key, stored, last, now));
        }
        return rows;
    }

    private static CredentialReportRow Row(CredentialKey key, StoredCredential? stored, RefreshEvent? last, DateTimeOffset now)
    {
        var left = stored is null ? (TimeSpan?)null : stored.ExpiresAt - now;
        var state = last is { Outcome: not RefreshOutcome.Succeeded } ? CredentialState.Failing
            : stored is null ? CredentialState.Missing
            : left <= TimeSpan.Zero ? CredentialState.Expired
            : CredentialState.Valid;
        return new(key, state, stored?.ExpiresAt, left is { } l && l < TimeSpan.Zero ? TimeSpan.Zero : left, last);
    }
}
