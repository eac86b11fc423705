using System.Text.Json.Serialization;
using WxHub.Core.Identity;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;

namespace WxHub.Server.Logins;

public sealed record ExchangeBody([property: JsonPropertyName("code")] string? Code);

/// <summary>WeChat's code, for businesses that run the redirect themselves; <c>component_appid</c> when a platform acts for the app.</summary>
public sealed record WeChatCodeBody(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("component_appid")] string? ComponentAppid);

public sealed record ProfileBody([property: JsonPropertyName("openid")] string? Openid);

public sealed record MiniProgramSessionBody(
    [property: JsonPropertyName("js_code")] string? JsCode,
    [property: JsonPropertyName("component_appid")] string? ComponentAppid);

/// <summary>Field names as the Mini Program API hands them over (<c>encryptedData</c>, <c>iv</c>).</summary>
public sealed record DecryptBody(
    [property: JsonPropertyName("session_id")] string? SessionId,
    [property: JsonPropertyName("encryptedData")] string? EncryptedData,
    [property: JsonPropertyName("iv")] string? Iv);

public sealed record RedirectUrisBody([property: JsonPropertyName("redirect_uris")] List<string>? RedirectUris);

public sealed record SignInView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Unionid,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] WeChatUser? User)
{
    public static SignInView From(SignIn signIn) => new(signIn.Appid, signIn.Openid, signIn.Unionid, signIn.Scope, signIn.User);
}

public sealed record MiniProgramSessionView(
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Unionid,
    [property: JsonPropertyName("session_id")] string SessionId)
{
    public static MiniProgramSessionView From(MiniProgramSignIn signIn) => new(signIn.Openid, signIn.Unionid, signIn.SessionId);
}

public sealed record IdentityPair(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid);

public sealed record UnionidView(
    [property: JsonPropertyName("unionid")] string Unionid,
    [property: JsonPropertyName("identities")] IReadOnlyList<IdentityPair> Identities);

public sealed record UserView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("openid")] string Openid,
    [property: JsonPropertyName("unionid"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Unionid,
    [property: JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] WeChatUser? User,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    public static UserView From(UserIdentity identity) => new(identity.Appid, identity.Openid, identity.Unionid, identity.Profile, identity.UpdatedAt);
}

/// <summary>A backfill as operators see it; <c>interrupted</c> is a run that was stopped (or its process ended) and can resume.</summary>
public sealed record BackfillView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("total")] long? Total,
    [property: JsonPropertyName("recorded")] long Recorded,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("error")] string? Error)
{
    public static BackfillView From(BackfillProgress progress, bool running) => new(
        progress.Appid,
        progress.State switch
        {
            BackfillState.Running => running ? "running" : "interrupted",
            BackfillState.Completed => "completed",
            _ => "failed",
        },
        progress.Total, progress.Recorded, progress.StartedAt, progress.UpdatedAt, progress.Error);
}

public sealed record RedirectUrisView(
    [property: JsonPropertyName("appid")] string Appid,
    [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExchangeBody))]
[JsonSerializable(typeof(WeChatCodeBody))]
[JsonSerializable(typeof(ProfileBody))]
[JsonSerializable(typeof(MiniProgramSessionBody))]
[JsonSerializable(typeof(DecryptBody))]
[JsonSerializable(typeof(RedirectUrisBody))]
[JsonSerializable(typeof(SignInView))]
[JsonSerializable(typeof(MiniProgramSessionView))]
[JsonSerializable(typeof(UnionidView))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(BackfillView))]
[JsonSerializable(typeof(RedirectUrisView))]
internal sealed partial class LoginJsonContext : JsonSerializerContext;
