using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>
/// stable_token's force_refresh allowance: WeChat permits 20 a day per app, at least 30 s apart. WxHub spends it only on
/// a reported token that is still current, and falls back to normal mode when it is used up.
/// </summary>
public sealed class ForceRefreshBudget(DailyQuota quota, IOptions<CredentialOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastForced = new(StringComparer.Ordinal);

    /// <summary>Takes one forced refresh for the app if the spacing and the day's count allow it.</summary>
    public async Task<bool> TryTakeAsync(string appid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastForced.TryGetValue(appid, out var last) && now - last < options.Value.ForceRefreshSpacing) return false;
        if (!await quota.TryConsumeAsync(appid, WeChatEndpoints.StableTokenForceRefresh, cancellationToken)) return false;
        _lastForced[appid] = now;
        return true;
    }
}
