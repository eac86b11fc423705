namespace WxHub.Core.Credentials;

/// <summary>
/// What a credential is. An access token belongs to an app or to a third-party platform's authorizer alike; the
/// component kinds belong to a platform (its component_access_token and the last component_verify_ticket WeChat pushed).
/// </summary>
public enum CredentialKind { AccessToken, JsapiTicket, WxCardTicket, ComponentAccessToken, ComponentVerifyTicket }

/// <summary>Names one credential: the access token of an app, one of its tickets, or a platform's component credential.</summary>
public readonly record struct CredentialKey(string Appid, CredentialKind Kind)
{
    public override string ToString() => $"{Appid}/{Kind}";
}

/// <summary>A credential as WeChat issued it. <see cref="Value"/> is a secret: stores encrypt it, logs never show it.</summary>
public sealed record StoredCredential(CredentialKey Key, string Value, DateTimeOffset ObtainedAt, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"StoredCredential {{ Key = {Key}, ObtainedAt = {ObtainedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>When a stored credential runs out, without its value: enough to schedule its refresh.</summary>
public readonly record struct CredentialExpiry(CredentialKey Key, DateTimeOffset ExpiresAt);
