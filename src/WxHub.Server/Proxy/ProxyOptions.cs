using System.ComponentModel.DataAnnotations;

namespace WxHub.Server.Proxy;

/// <summary>The WeChat API proxy, bound from the <c>Proxy</c> section.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>
    /// Request bodies up to this size are held in memory, so that a call can be sent again after a token refresh or to
    /// another access point. Larger bodies (big media uploads) stream through once; WeChat's error on them passes through.
    /// </summary>
    [Range(0, 64 << 20)]
    public int MaxReplayableBodyBytes { get; set; } = 1 << 20;

    /// <summary>All calls to one app, whoever makes them: what stands between a runaway caller and the account's daily quota.</summary>
    public RateLimit PerApp { get; set; } = new() { Permits = 100 };

    /// <summary>All calls made with one API key, over every app it may use.</summary>
    public RateLimit PerKey { get; set; } = new() { Permits = 50 };
}

/// <summary>A token bucket: <see cref="Permits"/> calls each <see cref="Period"/>, with up to <see cref="Burst"/> saved for bursts.</summary>
public sealed class RateLimit
{
    /// <summary>Calls allowed per <see cref="Period"/>; 0 turns the limit off.</summary>
    [Range(0, int.MaxValue)]
    public int Permits { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most calls that can be made at once after a quiet spell; <see cref="Permits"/> when not set, never less.</summary>
    [Range(0, int.MaxValue)]
    public int? Burst { get; set; }
}
