using WxHub.Emulator.Apps;
using WxHub.Emulator.Pushes;
using WxHub.Protocol.Crypto;

namespace WxHub.Emulator.Components;

/// <summary>A third-party platform as configured on the open platform. Registering it again replaces it; what was issued stays.</summary>
internal sealed record ComponentConfig(
    string ComponentAppId,
    string Secret,
    string Token,
    EncodingAesKey Key,
    Uri EventUrl,
    TimeSpan? TicketInterval,
    string? MessageUrl,
    IpAllowList IpWhitelist,
    TimeSpan? TokenTtl,
    bool RotateRefreshTokens)
{
    public PushIdentity Identity => new(Token, Key, ComponentAppId);

    /// <summary>Where an authorizer's messages go: the message URL with <c>$APPID$</c> replaced by the authorizer's appid.</summary>
    public Uri? MessageUrlFor(string appId) => MessageUrl is null ? null : new Uri(MessageUrl.Replace("$APPID$", appId, StringComparison.Ordinal));
}

/// <summary>An account's grant to a platform, with the function sets (权限集) its administrator granted.</summary>
internal sealed record Authorization(string AppId, string RefreshToken, DateTimeOffset AuthTime, IReadOnlyList<int> FuncScopes)
{
    /// <summary>Every function set the emulator knows, granted when an authorization does not name its own.</summary>
    public static readonly IReadOnlyList<int> AllFuncScopes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15];

    public IReadOnlyList<FuncInfo> Functions => [.. FuncScopes.Select(id => new FuncInfo(new FuncScope(id)))];
}

/// <summary>A single-use code: a pre-auth code for the authorization page, or the authorization code it produces.</summary>
internal sealed class OneTimeCode(string value, string? appId, DateTimeOffset expiresAt)
{
    public string Value { get; } = value;
    public string? AppId { get; } = appId;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
    public bool Used { get; set; }

    public bool IsUsable(DateTimeOffset now) => !Used && ExpiresAt > now;
}

/// <summary>A third-party platform with what WeChat keeps for it. Callers hold the state lock.</summary>
internal sealed class ComponentState(ComponentConfig config)
{
    /// <summary>How long a component_verify_ticket can be used to get a component token.</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(12);

    public ComponentConfig Config { get; set; } = config;
    public string ComponentAppId => Config.ComponentAppId;

    /// <summary>Every ticket pushed, with when.</summary>
    public Dictionary<string, DateTimeOffset> Tickets { get; } = new(StringComparer.Ordinal);

    /// <summary>When the next ticket push is due (emulator time); null until pushing starts.</summary>
    public DateTimeOffset? NextTicketAt { get; set; }

    public Dictionary<string, OneTimeCode> PreAuthCodes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, OneTimeCode> AuthorizationCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>The accounts that authorized the platform, by appid, in the order they did.</summary>
    public Dictionary<string, Authorization> Authorizations { get; } = new(StringComparer.Ordinal);

    /// <summary>System pushes reach the platform one after another, in order.</summary>
    public SerialQueue Pushes { get; } = new();
}
