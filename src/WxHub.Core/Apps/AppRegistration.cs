namespace WxHub.Core.Apps;

public enum AppType { OfficialAccount, MiniProgram, Website }

/// <summary>How access tokens are fetched: <c>/cgi-bin/stable_token</c> (default) or the classic <c>/cgi-bin/token</c>.</summary>
public enum TokenMode { Stable, Classic }

/// <summary>
/// A registered Official Account, Mini Program or website app. Secrets are plaintext in memory only; stores encrypt them.
/// <see cref="Token"/> and the AES keys belong to the message server and may be absent.
/// </summary>
public sealed record AppRegistration(
    string Appid,
    AppType Type,
    TokenMode TokenMode,
    string Secret,
    string? Token,
    string? EncodingAesKey,
    string? PreviousEncodingAesKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    // Records print their members; a registration must never print its secrets into a log.
    public override string ToString() => $"AppRegistration {{ Appid = {Appid}, Type = {Type}, TokenMode = {TokenMode} }}";
}
