namespace WxHub.Core.Credentials;

public enum CredentialKind { AccessToken, JsapiTicket, WxCardTicket }

/// <summary>Names one credential: the access token of an app, or one of its tickets.</summary>
public readonly record struct CredentialKey(string Appid, CredentialKind Kind)
{
    public override string ToString() => $"{Appid}/{Kind}";
}

/// <summary>A credential as WeChat issued it. <see cref="Value"/> is a secret: stores encrypt it, logs never show it.</summary>
public sealed record StoredCredential(CredentialKey Key, string Value, DateTimeOffset ObtainedAt, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"StoredCredential {{ Key = {Key}, ObtainedAt = {ObtainedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}
