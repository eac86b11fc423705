using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;

namespace WxHub.Core.Components;

/// <summary>
/// The life of a grant: the authorization page (a pre-auth code and WeChat's URL), the exchange of the authorization
/// code WeChat hands back (by the browser's redirect and by the <c>authorized</c>/<c>updateauthorized</c> push — one
/// exchange serves both), and revocation. The refresh token is stored durably before anything else is done with the
/// exchange's answer; an exchange is recorded as pending before it is sent, so a process that dies in between leaves
/// a trace that <see cref="ComponentRecovery"/> settles from WeChat's authorizer list.
/// </summary>
public sealed partial class AuthorizationGrants(
    IComponentStore components,
    IAuthorizerStore authorizers,
    ICredentialStore credentials,
    ComponentApiClient api,
    ComponentTokenCalls calls,
    CredentialManager manager,
    IOptions<ComponentOptions> options,
    IOptions<WeChatPagesOptions> pages,
    TimeProvider time,
    ILogger<AuthorizationGrants> logger)
{
    /// <summary>WeChat's authorization codes live 10 minutes; an exchange is remembered as long, for the second of its two deliveries.</summary>
    private static readonly TimeSpan ExchangeMemory = TimeSpan.FromMinutes(10);

    private static readonly CredentialKind[] AccountKinds = [CredentialKind.AccessToken, CredentialKind.JsapiTicket, CredentialKind.WxCardTicket];

    /// <summary>
    /// One exchange per code. Lazy because <see cref="ConcurrentDictionary{TKey,TValue}.GetOrAdd(TKey, Func{TKey,TValue})"/>
    /// may run its factory for each of two deliveries arriving together and keep one result: a second exchange started
    /// there would spend the single-use code (61010 for the one kept).
    /// </summary>
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Lazy<Task<Outcome<Authorizer>>> Exchange)> _exchanges = new(StringComparer.Ordinal);

    /// <summary>
    /// WeChat's authorization page for a new pre-auth code: the PC page (the administrator scans a QR code) or, with
    /// <paramref name="mobile"/>, the link that opens inside WeChat. WeChat sends the browser back to <paramref name="callback"/>.
    /// </summary>
    public async Task<Outcome<Uri>> AuthorizationPageAsync(string componentAppid, Uri callback, string? authType, string? bizAppid, bool mobile, CancellationToken cancellationToken)
    {
        if (await components.GetAsync(componentAppid, cancellationToken) is null) return NotFound(componentAppid);
        var code = await calls.CallAsync(componentAppid, (token, c) => api.CreatePreAuthCodeAsync(componentAppid, token, c), cancellationToken);
        if (!code.Succeeded) return code.Problem;
        if (string.IsNullOrEmpty(code.Value.PreAuthCode))
            return new Problem(ProblemKind.Upstream, "wechat_error", "WeChat's answer to api_create_preauthcode lacked pre_auth_code; try again.");

        var query = $"component_appid={Uri.EscapeDataString(componentAppid)}&pre_auth_code={Uri.EscapeDataString(code.Value.PreAuthCode)}"
            + $"&redirect_uri={Uri.EscapeDataString(callback.AbsoluteUri)}&auth_type={Uri.EscapeDataString(authType ?? "3")}"
            + (bizAppid is null ? "" : $"&biz_appid={Uri.EscapeDataString(bizAppid)}");
        return mobile
            ? new Uri(pages.Value.OpenPlatform, $"/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&{query}#wechat_redirect")
            : new Uri(pages.Value.MediaPlatform, $"/cgi-bin/componentloginpage?{query}");
    }

    /// <summary>
    /// Exchanges an authorization code for the grant (<c>api_query_auth</c>), stores the refresh token, takes the access
    /// token and reads the account's profile. The browser's redirect and WeChat's push carry the same code: the second
    /// joins (or reads) the first one's exchange. <paramref name="kind"/> (authorized, updateauthorized) goes into the audit trail.
    /// </summary>
    public Task<Outcome<Authorizer>> CompleteAsync(string componentAppid, string authorizationCode, string? appid, string kind)
    {
        var now = time.GetUtcNow();
        foreach (var (code, old) in _exchanges)
        {
            if (now - old.At > ExchangeMemory) _exchanges.TryRemove(code, out _);
        }
        // Not the caller's cancellation: the other delivery of the code may be waiting on this exchange too.
        var entry = _exchanges.GetOrAdd(authorizationCode, NewExchange);
        if (entry.Exchange.Value is { IsCompletedSuccessfully: true, Result.Succeeded: false } && _exchanges.TryRemove(KeyValuePair.Create(authorizationCode, entry)))
        {
            // A failed exchange is tried again by the next delivery (WeChat may have been unreachable).
            entry = _exchanges.GetOrAdd(authorizationCode, NewExchange);
        }
        return entry.Exchange.Value;

        (DateTimeOffset, Lazy<Task<Outcome<Authorizer>>>) NewExchange(string code) =>
            (now, new Lazy<Task<Outcome<Authorizer>>>(() => ExchangeAsync(componentAppid, code, appid, kind)));
    }

    /// <summary>
    /// Ends a grant (<c>unauthorized</c>, or missing from WeChat's list): refreshing stops, the account's tokens and tickets
    /// are dropped, the row stays with the audit event. False when the grant was not active.
    /// </summary>
    public async Task<bool> RevokeAsync(string componentAppid, string appid, string kind, string? detail, CancellationToken cancellationToken)
    {
        var revoked = await authorizers.RevokeAsync(appid, new AuthorizerEvent(componentAppid, appid, time.GetUtcNow(), kind, detail), cancellationToken);
        if (!revoked) return false;
        manager.Forget(appid);
        foreach (var credentialKind in AccountKinds) await credentials.DeleteAsync(new CredentialKey(appid, credentialKind), cancellationToken);
        LogRevoked(componentAppid, appid, kind);
        return true;
    }

    private async Task<Outcome<Authorizer>> ExchangeAsync(string componentAppid, string code, string? appid, string kind)
    {
        var cancellationToken = CancellationToken.None;
        if (await components.GetAsync(componentAppid, cancellationToken) is null) return NotFound(componentAppid);

        var pending = new PendingAuthorization("pa_" + RandomNumberGenerator.GetHexString(20, lowercase: true), componentAppid, appid, time.GetUtcNow());
        await authorizers.AddPendingAsync(pending, cancellationToken);
        var answer = await calls.CallAsync(componentAppid, (token, c) => api.QueryAuthAsync(componentAppid, token, code, c), cancellationToken);
        if (!answer.Succeeded)
        {
            // WeChat refused the code: this exchange granted nothing. Without an answer it may have: recovery settles it.
            if (answer.Problem.ErrCode is not null) await authorizers.RemovePendingAsync(pending.Id, cancellationToken);
            LogExchangeFailed(componentAppid, answer.Problem.Code, answer.Problem.ErrCode);
            return answer.Problem;
        }
        var info = answer.Value.AuthorizationInfo;
        if (info is not { AuthorizerAppid: { Length: > 0 } authorizerAppid, AuthorizerRefreshToken: { Length: > 0 } refreshToken })
            return new Problem(ProblemKind.Upstream, "wechat_error", "WeChat's answer to api_query_auth lacked the authorizer's appid or refresh token; the grant is restored from WeChat's authorizer list shortly.");

        var now = time.GetUtcNow();
        var grant = new Authorizer(authorizerAppid, componentAppid, AuthorizerStatus.Authorized, refreshToken, info.Scopes, null, now, now, null);
        await authorizers.SaveGrantsAsync([grant], kind, $"function sets {string.Join(",", info.Scopes)}", cancellationToken); // the grant, durable first
        await authorizers.RemovePendingAsync(pending.Id, cancellationToken);
        LogGranted(componentAppid, authorizerAppid, kind);

        // A renewed grant starts afresh: faults and backoffs of the old one go.
        manager.Forget(authorizerAppid);
        var key = new CredentialKey(authorizerAppid, CredentialKind.AccessToken);
        if (ComponentApiClient.Issue(info.AuthorizerAccessToken, info.ExpiresIn, WeChatEndpoints.QueryAuth) is { Succeeded: true } issued)
            await manager.AcceptIssuedAsync(key, issued.Issued, now, "api_query_auth", options.Value.AuthorizerRefreshSpread, cancellationToken);
        else
            manager.Track([key]);

        await ReadProfileAsync(componentAppid, authorizerAppid, cancellationToken);
        return (await authorizers.GetAsync(authorizerAppid, cancellationToken))!;
    }

    /// <summary>Name, kind and granted function sets from <c>api_get_authorizer_info</c>; a failure leaves the grant as stored.</summary>
    private async Task ReadProfileAsync(string componentAppid, string appid, CancellationToken cancellationToken)
    {
        var info = await calls.CallAsync(componentAppid, (token, c) => api.GetAuthorizerInfoAsync(componentAppid, token, appid, c), cancellationToken);
        if (!info.Succeeded)
        {
            LogProfileFailed(appid, info.Problem.Code, info.Problem.ErrCode);
            return;
        }
        var description = info.Value.AuthorizerInfo;
        var profile = new AuthorizerProfile(
            description?.NickName,
            description?.MiniProgramInfo is null ? AuthorizerProfile.OfficialAccount : AuthorizerProfile.MiniProgram,
            description?.UserName,
            description?.PrincipalName);
        var scopes = info.Value.AuthorizationInfo?.Scopes ?? [];
        await authorizers.SaveProfileAsync(appid, profile, scopes.Count > 0 ? scopes : (await authorizers.GetAsync(appid, cancellationToken))?.Scopes ?? [], cancellationToken);
    }

    private static Problem NotFound(string componentAppid) =>
        new(ProblemKind.NotFound, "component_not_found", ComponentAdministration.NotFound<ComponentRegistration>(componentAppid).Message!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {ComponentAppid}: {Appid} {Kind}; its refresh token is stored")]
    private partial void LogGranted(string componentAppid, string appid, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {ComponentAppid}: the grant of {Appid} ended ({Kind}); its tokens were dropped")]
    private partial void LogRevoked(string componentAppid, string appid, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Platform {ComponentAppid}: exchanging an authorization code failed: {Error} (errcode {ErrCode})")]
    private partial void LogExchangeFailed(string componentAppid, string error, int? errCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the profile of authorizer {Appid}: {Error} (errcode {ErrCode}); the grant is kept")]
    private partial void LogProfileFailed(string appid, string error, int? errCode);
}
