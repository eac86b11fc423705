using Microsoft.Extensions.Options;
using WxHub.Core.Coordination;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>
/// stable_token's force_refresh allowance: WeChat permits 20 a day per app, at least 30 s apart. WxHub spends it only on
/// a reported token that is still current, and falls back to normal mode when it is used up. The spacing is a lease in
/// the store that nobody renews, so it holds across the instances of a cluster as the daily count does.
/// </summary>
public sealed class ForceRefreshBudget(DailyQuota quota, ILeaseStore leases, IOptions<CredentialOptions> options)
{
    /// <summary>Takes one forced refresh for the app if the spacing and the day's count allow it.</summary>
    public async Task<bool> TryTakeAsync(string appid, CancellationToken cancellationToken)
    {
        // A holder of its own each time: the lease is taken only once the previous one lapsed.
        var holder = Guid.NewGuid().ToString("N");
        if (await leases.TryAcquireAsync($"force-refresh/{appid}", holder, options.Value.ForceRefreshSpacing, cancellationToken) is null) return false;
        return await quota.TryConsumeAsync(appid, WeChatEndpoints.StableTokenForceRefresh, cancellationToken);
    }
}
