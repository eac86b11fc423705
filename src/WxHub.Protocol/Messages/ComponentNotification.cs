namespace WxHub.Protocol.Messages;

/// <summary>
/// A third-party platform system push to the authorization event URL (decrypted): <c>AppId</c> is the component
/// AppID and <c>InfoType</c> says what happened. The reply is always the plain text <c>success</c>.
/// </summary>
public abstract record ComponentNotification(
    string AppId,
    long CreateTime,
    string InfoType,
    IReadOnlyDictionary<string, string> Fields,
    string RawXml)
{
    private protected ComponentNotification(XmlFields fields)
        : this(fields.Required("AppId"), fields.RequiredNumber<long>("CreateTime"), fields.Required("InfoType"), fields.Values, fields.RawXml)
    {
    }

    /// <summary>Parses a decrypted push; unknown InfoTypes become <see cref="UnknownComponentNotification"/>.</summary>
    public static XmlParseResult<ComponentNotification> Parse(string xml, int maxBytes = WeChatXml.DefaultMaxBytes) =>
        XmlFields.Parse(xml, maxBytes, Create);

    private static ComponentNotification Create(XmlFields fields) => fields.Required("InfoType").ToLowerInvariant() switch
    {
        "component_verify_ticket" => new ComponentVerifyTicket(fields),
        "authorized" => new AuthorizationNotification(fields, AuthorizationChange.Authorized),
        "updateauthorized" => new AuthorizationNotification(fields, AuthorizationChange.Updated),
        "unauthorized" => new AuthorizationNotification(fields, AuthorizationChange.Revoked),
        _ => new UnknownComponentNotification(fields),
    };
}

/// <summary><c>component_verify_ticket</c>, pushed every 10 minutes and valid for 12 hours; keep the latest.</summary>
public sealed record ComponentVerifyTicket : ComponentNotification
{
    internal ComponentVerifyTicket(XmlFields fields) : base(fields) => Ticket = fields.Required("ComponentVerifyTicket");

    public string Ticket { get; init; }
}

/// <summary>What an authorization notification reports.</summary>
public enum AuthorizationChange
{
    /// <summary><c>authorized</c>: an account authorized the platform.</summary>
    Authorized,

    /// <summary><c>updateauthorized</c>: an account changed the permissions it grants.</summary>
    Updated,

    /// <summary><c>unauthorized</c>: an account withdrew its authorization.</summary>
    Revoked,
}

/// <summary>
/// <c>authorized</c> / <c>updateauthorized</c> / <c>unauthorized</c>. The first two carry an authorization code for
/// <c>api_query_auth</c>; <see cref="AuthorizationCodeExpiredTime"/> is read as a plain integer because WeChat does not
/// say whether it is a Unix time or a duration.
/// </summary>
public sealed record AuthorizationNotification : ComponentNotification
{
    internal AuthorizationNotification(XmlFields fields, AuthorizationChange change) : base(fields)
    {
        Change = change;
        AuthorizerAppid = fields.Required("AuthorizerAppid");
        AuthorizationCode = fields.Optional("AuthorizationCode");
        AuthorizationCodeExpiredTime = fields.OptionalNumber<long>("AuthorizationCodeExpiredTime");
        PreAuthCode = fields.Optional("PreAuthCode");
    }

    public AuthorizationChange Change { get; init; }

    public string AuthorizerAppid { get; init; }

    public string? AuthorizationCode { get; init; }

    public long? AuthorizationCodeExpiredTime { get; init; }

    public string? PreAuthCode { get; init; }
}

/// <summary>An InfoType this library does not model (e.g. <c>notify_third_fasteregister</c>); see <see cref="ComponentNotification.Fields"/>.</summary>
public sealed record UnknownComponentNotification : ComponentNotification
{
    internal UnknownComponentNotification(XmlFields fields) : base(fields)
    {
    }
}
