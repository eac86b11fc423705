using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Identity;
using WxHub.Core.OAuth;
using WxHub.Core.WeChat;
using WxHub.Protocol.Crypto;

namespace WxHub.Core.MiniProgram;

/// <summary>What <c>POST /v1/apps/{appid}/miniprogram/session</c> answers: never the session_key.</summary>
public sealed record MiniProgramSignIn(string Openid, string? Unionid, string SessionId);

/// <summary>
/// Mini Program login: exchanges <c>wx.login</c>'s code (once) for a session whose session_key stays in WxHub,
/// encrypted, and decrypts the user's data (<c>encryptedData</c> + <c>iv</c>) for that session, checking the watermark.
/// </summary>
public sealed class MiniProgramLogin(
    LoginClients clients,
    WeChatIdentityClient wechat,
    IOAuthStore codes,
    IMiniProgramSessionStore sessions,
    UserDirectory directory,
    IOptions<OAuthOptions> options,
    TimeProvider time)
{
    public async Task<Outcome<MiniProgramSignIn>> SignInAsync(string appid, string? jsCode, string? componentAppid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(jsCode))
            return new Problem(ProblemKind.Invalid, "invalid_request", "'js_code' is required: the code wx.login() gave the Mini Program.");
        var client = await clients.ResolveAsync(appid, componentAppid, [AppType.MiniProgram], cancellationToken);
        if (!client.Succeeded) return client.Problem;
        if (!await codes.TryUseCodeAsync(appid, CodeSignIn.CodeHash(jsCode), time.GetUtcNow(), cancellationToken))
            return CodeProblems.Replayed();

        var answer = await wechat.JsCodeToSessionAsync(client.Value, jsCode, cancellationToken);
        if (!answer.Succeeded) return CodeProblems.FromWeChat(answer.Problem);
        var session = answer.Value;
        if (string.IsNullOrEmpty(session.Openid) || string.IsNullOrEmpty(session.SessionKey))
            return new Problem(ProblemKind.Upstream, WeChatIdentityClient.WeChatErrorCode, "WeChat's answer to jscode2session lacked the openid or the session_key.");

        var now = time.GetUtcNow();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await sessions.AddAsync(new MiniProgramSession(id, appid, session.Openid, session.Unionid, session.SessionKey, now, now + options.Value.MiniProgramSessionLifetime), cancellationToken);
        await directory.RecordAsync([new IdentitySighting(appid, session.Openid, session.Unionid)], cancellationToken);
        return new MiniProgramSignIn(session.Openid, session.Unionid, id);
    }

    /// <returns>The decrypted JSON object, as WeChat made it.</returns>
    public async Task<Outcome<string>> DecryptAsync(string appid, string? sessionId, string? encryptedData, string? iv, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionId) || string.IsNullOrEmpty(encryptedData) || string.IsNullOrEmpty(iv))
            return Invalid("invalid_request", "'session_id' (from POST /v1/apps/{appid}/miniprogram/session), 'encryptedData' and 'iv' (as the Mini Program API gave them) are required.");
        var session = await sessions.GetAsync(appid, sessionId, time.GetUtcNow(), cancellationToken);
        if (session is null)
            return new Problem(ProblemKind.NotFound, "session_not_found", $"No live session '{sessionId}' for {appid} (sessions last {options.Value.MiniProgramSessionLifetime.TotalHours:0} hours). Log in again with wx.login().");

        var result = MiniProgramDataCrypto.Decrypt(session.SessionKey, encryptedData, iv, appid);
        return result.Error switch
        {
            MiniProgramDataError.None => result.Json!,
            MiniProgramDataError.InvalidIv => Invalid("invalid_iv", "'iv' must be the Base64 of 16 bytes, as the Mini Program API gave it."),
            MiniProgramDataError.InvalidBase64 or MiniProgramDataError.InvalidCiphertextLength =>
                Invalid("invalid_encrypted_data", "'encryptedData' must be the Base64 the Mini Program API gave, whole (a multiple of 16 bytes)."),
            MiniProgramDataError.WatermarkMismatch =>
                Invalid("watermark_mismatch", $"The data was made for {result.WatermarkAppid ?? "no app"}, not {appid}; it cannot be trusted here."),
            _ => Invalid("decryption_failed", "The data does not decrypt with this session's key: it was made under another login (wx.login() replaces the key). Log in again, then fetch the data again."),
        };
    }

    private static Problem Invalid(string code, string message) => new(ProblemKind.Invalid, code, message);
}
