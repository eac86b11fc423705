using System.Net;

namespace WxHub.Emulator;

/// <summary>How an emulator starts: where it listens, which clock it follows and how long what it issues lives.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The clock behind every expiry, quota day and ticket push. Tests pass the same manual clock WxHub uses.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The address every access point listens on.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// The port of the <c>api</c> access point; the others take the next ports in <see cref="AccessPointNames.All"/>
    /// order. 0 lets the system pick a free port for each.
    /// </summary>
    public int BasePort { get; set; }

    /// <summary>Lifetime of every credential the emulator issues (tokens, tickets, component and authorizer tokens), unless an app or platform says otherwise.</summary>
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often a third-party platform receives a component_verify_ticket, unless it says otherwise.</summary>
    public TimeSpan TicketPushInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a push waits for the receiver's answer (on <see cref="TimeProvider"/>).</summary>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries of one push at most: the first and the retries.</summary>
    public int PushAttempts { get; set; } = 4;

    /// <summary>OpenIDs per page of <c>/cgi-bin/user/get</c> (WeChat: 10000); tests lower it to page with few users.</summary>
    public int FollowerPageSize { get; set; } = 10_000;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Address);
        ArgumentOutOfRangeException.ThrowIfNegative(BasePort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BasePort, IPEndPoint.MaxPort - AccessPointNames.All.Count + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenTtl, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(TicketPushInterval, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(PushTimeout, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(PushAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(FollowerPageSize, 1);
    }
}

/// <summary>WeChat's API access points (domains), each served by its own listener.</summary>
public static class AccessPointNames
{
    public const string Api = "api";
    public const string Api2 = "api2";
    public const string Shanghai = "sh";
    public const string Shenzhen = "sz";
    public const string HongKong = "hk";

    /// <summary>In WeChat's fail-over order.</summary>
    public static IReadOnlyList<string> All { get; } = [Api, Api2, Shanghai, Shenzhen, HongKong];
}
