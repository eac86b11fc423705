using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Apps;
using WxHub.Core.Identity;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;
using WxHub.Protocol.OAuth;

namespace WxHub.Core.OAuth;

/// <summary>
/// Turns WeChat's authorization code into a <see cref="SignIn"/>: refuses a code seen before (WxHub's own record, then
/// WeChat's 40163), exchanges it, reads the profile when the scope allows, keeps the OAuth tokens (encrypted) for later
/// profile reads, and records the identity in the directory. Shared by the redirect flow and businesses that run it.
/// </summary>
public sealed class CodeSignIn(
    WeChatIdentityClient wechat,
    IOAuthStore store,
    IOAuthGrantStore grants,
    UserDirectory directory,
    LoginClients clients,
    TimeProvider time)
{
    /// <summary>WeChat's documented lifetime of a web authorization refresh token.</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    /// <summary>For businesses that run the redirect themselves: an Official Account's or website app's code.</summary>
    public async Task<Outcome<SignIn>> SignInAsync(string appid, string? code, string? componentAppid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code))
            return new Problem(ProblemKind.Invalid, "invalid_request", "'code' is required: the code WeChat appended to your redirect_uri.");
        var client = await clients.ResolveAsync(appid, componentAppid, [AppType.OfficialAccount, AppType.Website], cancellationToken);
        return client.Succeeded ? await SignInAsync(client.Value, code, cancellationToken) : client.Problem;
    }

    public async Task<Outcome<SignIn>> SignInAsync(LoginClient client, string code, CancellationToken cancellationToken)
    {
        if (!await store.TryUseCodeAsync(client.Appid, CodeHash(code), time.GetUtcNow(), cancellationToken))
            return CodeProblems.Replayed();

        var exchanged = await wechat.ExchangeCodeAsync(client, code, cancellationToken);
        if (!exchanged.Succeeded) return CodeProblems.FromWeChat(exchanged.Problem);
        var token = exchanged.Value;
        if (string.IsNullOrEmpty(token.Openid) || string.IsNullOrEmpty(token.AccessToken) || string.IsNullOrEmpty(token.RefreshToken))
            return new Problem(ProblemKind.Upstream, WeChatIdentityClient.WeChatErrorCode, "WeChat's answer to the code exchange lacked the openid or the tokens.");

        var scope = token.Scope?.Trim(',') ?? "";
        WeChatUser? user = null;
        if (OAuthScopes.AllowsUserInfo(scope))
        {
            var profile = await wechat.GetSnsUserInfoAsync(token.AccessToken, token.Openid, cancellationToken);
            if (!profile.Succeeded) return profile.Problem;
            user = profile.Value;
        }

        var now = time.GetUtcNow();
        await grants.SaveAsync(new OAuthGrant(client.Appid, token.Openid, client.ComponentAppid, scope,
            token.AccessToken, now.AddSeconds(token.ExpiresIn ?? 0), token.RefreshToken, now + RefreshTokenLifetime), cancellationToken);

        var signIn = new SignIn(client.Appid, token.Openid, token.Unionid ?? user?.Unionid, scope, user);
        await directory.RecordAsync([new IdentitySighting(signIn.Appid, signIn.Openid, signIn.Unionid, user)], cancellationToken);
        return signIn;
    }

    /// <summary>Codes are remembered by hash: the store never holds a usable code.</summary>
    public static byte[] CodeHash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));
}

/// <summary>The problems of WeChat's single-use codes (web authorization and Mini Program login).</summary>
public static class CodeProblems
{
    public static Problem Replayed(int? errcode = null) => new(ProblemKind.Conflict, "code_replayed",
        "This WeChat code was already used; a code works once. Have the person authorize (or log in) again for a new one.", errcode);

    /// <summary>WeChat's verdict on a code, in the caller's terms; other problems pass unchanged.</summary>
    public static Problem FromWeChat(Problem problem) => problem.ErrCode switch
    {
        WeChatErrorCodes.CodeBeenUsed => Replayed(WeChatErrorCodes.CodeBeenUsed),
        WeChatErrorCodes.InvalidCode or WeChatErrorCodes.CodeExpired => new(ProblemKind.Invalid, "invalid_code",
            $"WeChat refused the code ({problem.ErrCode}: invalid or expired; codes live 5 minutes). Have the person authorize (or log in) again.", problem.ErrCode),
        _ => problem,
    };
}
