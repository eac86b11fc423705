using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;
using WxHub.Core.WeChat;

namespace WxHub.Server.Dashboard;

/// <summary>Calls made today to one WeChat endpoint, against WxHub's daily budget for it.</summary>
public sealed record QuotaUse(string Endpoint, long Used, long Budget);

/// <summary>One account (app, platform or authorizer) as the dashboard shows it: its credentials and today's calls.</summary>
public sealed record AccountView(string Appid, IReadOnlyList<CredentialReportRow> Credentials, IReadOnlyList<QuotaUse> Quota);

public sealed record PlatformSummary(string ComponentAppid, int Authorized, int Revoked);

public sealed record Overview(IReadOnlyList<AccountView> Apps, IReadOnlyList<PlatformSummary> Platforms, IReadOnlyList<RefreshHour> Hours, DateTimeOffset Now);

public sealed record AuthorizerRow(Authorizer Authorizer, AccountView Account);

/// <summary>One page of a platform's authorizers; <see cref="NextAfter"/> is the cursor of the next page, null on the last.</summary>
public sealed record PlatformPage(
    AccountView Platform, int Authorized, int Revoked, string? Search, string? After, IReadOnlyList<AuthorizerRow> Authorizers, string? NextAfter, DateTimeOffset Now);

public sealed record CallbackBacklog(string Appid, long Undelivered);

public sealed record CallbackPage(string Appid, IReadOnlyList<CallbackRecord> Recent, IReadOnlyList<OutboxEntry> Undelivered, long Backlog);

/// <summary>
/// What the dashboard's pages show, read from the stores (and the running credential manager, which alone knows that
/// a refresh is in flight). Every read is bounded: a page of authorizers, the latest callbacks, an hourly count.
/// </summary>
public sealed class DashboardQueries(
    IAppStore apps,
    IComponentStore components,
    IAuthorizerStore authorizers,
    CredentialReport report,
    CredentialManager manager,
    IQuotaStore quotas,
    IRefreshEventStore refreshes,
    ICallbackStore callbacks,
    IOutboxStore outbox,
    IOptions<WeChatApiOptions> api,
    TimeProvider time)
{
    public const int AuthorizersPerPage = 50;
    public const int CallbacksShown = 50;
    public static readonly TimeSpan ChartSpan = TimeSpan.FromHours(24);

    public async Task<Overview> OverviewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var views = new List<AccountView>();
        foreach (var app in await apps.ListAsync(cancellationToken))
            views.Add(await AccountAsync(app.Appid, CredentialKind.AccessToken, cancellationToken));
        var platforms = new List<PlatformSummary>();
        foreach (var component in await components.ListAsync(cancellationToken))
            platforms.Add(await SummaryAsync(component.ComponentAppid, cancellationToken));
        var since = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero) - ChartSpan + TimeSpan.FromHours(1);
        return new Overview(views, platforms, await refreshes.CountByHourAsync(since, cancellationToken), now);
    }

    /// <summary>Null when no such platform is registered.</summary>
    public async Task<PlatformPage?> PlatformAsync(string componentAppid, string? search, string? after, CancellationToken cancellationToken)
    {
        if (await components.GetAsync(componentAppid, cancellationToken) is null) return null;
        search = string.IsNullOrWhiteSpace(search) ? null : search.Trim();
        after = string.IsNullOrEmpty(after) ? null : after;
        // One more than a page tells whether a next page exists without counting the matches.
        var page = search is null
            ? await authorizers.ListAsync(componentAppid, after, AuthorizersPerPage + 1, null, cancellationToken)
            : await authorizers.SearchAsync(componentAppid, search, after, AuthorizersPerPage + 1, cancellationToken);
        var rows = new List<AuthorizerRow>();
        foreach (var authorizer in page.Take(AuthorizersPerPage))
            rows.Add(new AuthorizerRow(authorizer, await AccountAsync(authorizer.Appid, CredentialKind.AccessToken, cancellationToken)));
        var summary = await SummaryAsync(componentAppid, cancellationToken);
        return new PlatformPage(
            await AccountAsync(componentAppid, CredentialKind.ComponentAccessToken, cancellationToken),
            summary.Authorized, summary.Revoked, search, after, rows,
            page.Count > AuthorizersPerPage ? rows[^1].Authorizer.Appid : null, time.GetUtcNow());
    }

    /// <summary>Every app with its backlog, and the platforms and authorizers that have one.</summary>
    public async Task<IReadOnlyList<CallbackBacklog>> BacklogsAsync(CancellationToken cancellationToken)
    {
        var backlog = await outbox.CountUndeliveredByAppAsync(cancellationToken);
        var appids = (await apps.ListAsync(cancellationToken)).Select(app => app.Appid).Union(backlog.Keys, StringComparer.Ordinal);
        return appids.Order(StringComparer.Ordinal).Select(appid => new CallbackBacklog(appid, backlog.GetValueOrDefault(appid))).ToList();
    }

    public async Task<CallbackPage> CallbacksAsync(string appid, CancellationToken cancellationToken)
    {
        var recent = await callbacks.ListAsync(appid, CallbacksShown, cancellationToken);
        var pending = await outbox.ListAsync(appid, DeliveryState.Pending, CallbacksShown, cancellationToken);
        var inFlight = await outbox.ListAsync(appid, DeliveryState.InFlight, CallbacksShown, cancellationToken);
        var backlog = (await outbox.CountUndeliveredByAppAsync(cancellationToken)).GetValueOrDefault(appid);
        return new CallbackPage(appid, recent, [.. inFlight, .. pending], backlog);
    }

    private async Task<PlatformSummary> SummaryAsync(string componentAppid, CancellationToken cancellationToken) =>
        new(componentAppid,
            await authorizers.CountAsync(componentAppid, AuthorizerStatus.Authorized, cancellationToken),
            await authorizers.CountAsync(componentAppid, AuthorizerStatus.Revoked, cancellationToken));

    private async Task<AccountView> AccountAsync(string appid, CredentialKind always, CancellationToken cancellationToken)
    {
        // A failing credential stays "failing" while it is retried: the operator still has something to fix.
        var live = manager.GetStatus(appid);
        var rows = (await report.AccountAsync(appid, always, cancellationToken))
            .Select(row => row.State != CredentialState.Failing && live.Any(status => status.Key == row.Key && status.Refreshing) ? row with { State = CredentialState.Refreshing } : row)
            .ToList();
        var budgets = api.Value.DailyQuotas;
        var used = await quotas.ListDayAsync(appid, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken);
        return new AccountView(appid, rows, used.Select(u => new QuotaUse(u.Key, u.Value, budgets.For(u.Key))).ToList());
    }
}
