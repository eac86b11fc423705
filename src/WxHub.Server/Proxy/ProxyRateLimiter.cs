using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WxHub.Server.Proxy;

/// <summary>Why a call was refused: whose budget is spent and when it has room again.</summary>
public sealed record RateLimitRefusal(string Budget, TimeSpan? RetryAfter);

/// <summary>The proxy's token buckets, one per app and one per API key (<see cref="ProxyOptions.PerApp"/>, <see cref="ProxyOptions.PerKey"/>).</summary>
public sealed class ProxyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perApp;
    private readonly PartitionedRateLimiter<string>? _perKey;

    public ProxyRateLimiter(IOptions<ProxyOptions> options)
    {
        _perApp = Create(options.Value.PerApp);
        _perKey = Create(options.Value.PerKey);
    }

    /// <summary>Takes one call from the key's budget (when a key is used) and the app's; null when both had room.</summary>
    public RateLimitRefusal? TryAcquire(string appid, string? keyId)
    {
        // The key first: a key over its own limit must not spend the app's budget that other callers share.
        if (keyId is not null && Refuse(_perKey, keyId, $"API key {keyId}") is { } byKey) return byKey;
        return Refuse(_perApp, appid, $"app {appid}");
    }

    public void Dispose()
    {
        _perApp?.Dispose();
        _perKey?.Dispose();
    }

    private static RateLimitRefusal? Refuse(PartitionedRateLimiter<string>? limiter, string partition, string budget)
    {
        if (limiter is null) return null;
        using var lease = limiter.AttemptAcquire(partition);
        if (lease.IsAcquired) return null;
        return new RateLimitRefusal(budget, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null);
    }

    private static PartitionedRateLimiter<string>? Create(RateLimit limit)
    {
        if (limit.Permits == 0) return null;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(limit.Burst ?? 0, limit.Permits),
            TokensPerPeriod = limit.Permits,
            ReplenishmentPeriod = limit.Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        return PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, _ => bucket), StringComparer.Ordinal);
    }
}
