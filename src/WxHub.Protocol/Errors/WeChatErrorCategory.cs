namespace WxHub.Protocol.Errors;

/// <summary>What a caller should do about an <c>errcode</c>, grouped.</summary>
public enum WeChatErrorCategory
{
    /// <summary>errcode 0.</summary>
    Success,

    /// <summary>Transient: retry with backoff.</summary>
    Retryable,

    /// <summary>The access token is invalid, expired or replaced: refresh and retry once.</summary>
    TokenInvalid,

    /// <summary>A call quota or rate limit is exhausted: back off.</summary>
    Quota,

    /// <summary>This server's IP is not whitelisted: an operator must add it.</summary>
    IpWhitelist,

    /// <summary>WeChat holds calls from this IP for the admin's confirmation, or the admin refused.</summary>
    RiskConfirmation,

    /// <summary>The configured AppID / AppSecret / component AppID is wrong.</summary>
    BadCredentials,

    /// <summary>The request itself is wrong (a bug, or bad input from a caller).</summary>
    BadRequest,

    /// <summary>The component_verify_ticket is expired or invalid.</summary>
    ComponentTicket,

    /// <summary>An authorization (authorizer, or a user's OAuth grant) is gone: someone must authorize again.</summary>
    AuthorizationRevoked,

    /// <summary>The account or platform lacks the permission for this API.</summary>
    Unauthorized,

    /// <summary>An OAuth / login code is unknown, expired or already used.</summary>
    CodeInvalid,

    /// <summary>Anything else, including codes not in the catalogue.</summary>
    Other,
}
