using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.Diagnostics;

namespace WxHub.Core.WeChat;

/// <summary>
/// Counts calls per app, endpoint and UTC day in the <see cref="IQuotaStore"/> and refuses a call that would go past
/// the configured budget, so a busy or looping app cannot spend WeChat's daily quota (45009) for the rest of the day.
/// </summary>
public sealed class DailyQuota(IQuotaStore store, IOptions<WeChatApiOptions> options, WxHubMetrics metrics, AlertWebhook alerts, TimeProvider time)
{
    // The day on which an (appid, endpoint) was found spent: later refusals that day need no store write.
    private readonly ConcurrentDictionary<(string Appid, string Endpoint), DateOnly> _spent = new();

    /// <summary>Counts one call and says whether it may be made. Counting first keeps concurrent callers within the budget.</summary>
    public async Task<bool> TryConsumeAsync(string appid, string endpoint, CancellationToken cancellationToken)
    {
        var day = Today();
        if (_spent.TryGetValue((appid, endpoint), out var spentOn) && spentOn == day) return false;
        var count = await store.IncrementAsync(appid, endpoint, day, cancellationToken);
        var budget = options.Value.DailyQuotas.For(endpoint);
        if (count <= budget)
        {
            metrics.QuotaCounted(appid, endpoint);
            alerts.QuotaCounted(appid, endpoint, count, budget);
            return true;
        }
        _spent[(appid, endpoint)] = day;
        return false;
    }

    /// <summary>WeChat said 45009 although the count had room (other callers share the quota): stop for the day.</summary>
    public void MarkSpent(string appid, string endpoint) => _spent[(appid, endpoint)] = Today();

    /// <summary>Forgets a spent mark, e.g. after an operator cleared the quota.</summary>
    public void Forget(string appid)
    {
        foreach (var key in _spent.Keys.Where(k => k.Appid == appid)) _spent.TryRemove(key, out _);
    }

    /// <summary>When the counts start again: the next midnight UTC.</summary>
    public DateTimeOffset NextReset() => new(Today().AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
