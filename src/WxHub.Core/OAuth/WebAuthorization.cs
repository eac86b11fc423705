using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.WeChat;
using WxHub.Protocol.OAuth;

namespace WxHub.Core.OAuth;

/// <summary>What a business asks for when it sends a person to <c>GET /oauth/{appid}/authorize</c>.</summary>
public sealed record AuthorizeRequest(string Appid, string? RedirectUri, string? Scope, string? BusinessState, string? ComponentAppid);

/// <summary>
/// WxHub as the organisation's WeChat login broker. <see cref="StartAsync"/> sends the browser to WeChat with WxHub's
/// callback and a signed, single-use, expiring state; <see cref="CompleteAsync"/> takes the person back, signs them in
/// and hands the business a one-time <c>wxhub_code</c>, which <see cref="RedeemAsync"/> turns into the identity once.
/// </summary>
public sealed class WebAuthorization(
    IOAuthStore store,
    OAuthStateSigner signer,
    LoginClients clients,
    CodeSignIn codes,
    IAppStore apps,
    IOptions<OAuthOptions> options,
    IOptions<WeChatPagesOptions> pages,
    TimeProvider time)
{
    public const int MaxRedirectUriLength = 2048;

    /// <returns>The WeChat page to redirect the browser to.</returns>
    public async Task<Outcome<string>> StartAsync(AuthorizeRequest request, Uri callback, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        request = request with { ComponentAppid = await clients.PlatformForAsync(request.Appid, request.ComponentAppid, cancellationToken) };
        var scope = await ScopeAsync(request, cancellationToken);
        if (!scope.Succeeded) return scope.Problem;
        if (ParseRedirect(request.RedirectUri) is not { } redirect)
            return Invalid("invalid_redirect_uri", $"'redirect_uri' must be an absolute http(s) URL without a #fragment, at most {MaxRedirectUriLength} characters: where WxHub sends the person back with wxhub_code and state.");
        var allowed = await store.GetRedirectPrefixesAsync(request.Appid, cancellationToken);
        if (allowed.Count > 0 && !allowed.Any(prefix => RedirectPrefix.Matches(prefix, redirect)))
            return Invalid("redirect_uri_not_allowed", $"'redirect_uri' is not under any URL allowed for {request.Appid} ({string.Join(", ", allowed)}). An operator can allow it with PUT /v1/admin/apps/{request.Appid}/oauth/redirect-uris.");
        if (request.BusinessState?.Length > settings.MaxBusinessStateLength)
            return Invalid("invalid_state", $"'state' may be at most {settings.MaxBusinessStateLength} characters.");

        var nonce = OAuthStateSigner.NewNonce();
        var expiresAt = time.GetUtcNow() + settings.StateLifetime;
        await store.AddPendingAsync(new PendingAuthorization(nonce, request.Appid, request.ComponentAppid, scope.Value, redirect.AbsoluteUri, request.BusinessState, expiresAt), cancellationToken);
        var state = signer.Sign(nonce, request.Appid, expiresAt);

        return scope.Value == OAuthScopes.Login
            ? AuthorizeUrl.ForWebsiteLogin(pages.Value.OpenPlatform, request.Appid, callback.AbsoluteUri, state)
            : AuthorizeUrl.ForOfficialAccount(pages.Value.OpenPlatform, request.Appid, callback.AbsoluteUri, scope.Value, state, request.ComponentAppid);
    }

    /// <summary>
    /// Handles WeChat's redirect to WxHub's callback. A state WxHub did not issue, that expired or was used gives a
    /// problem (there is no trustworthy place to send the person); every later outcome is a redirect to the business:
    /// with <c>wxhub_code</c> on success, with <c>error</c> otherwise, and always with the business state.
    /// </summary>
    public async Task<Outcome<string>> CompleteAsync(string appid, string? code, string? state, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (signer.Check(state, appid, now, out var nonce))
        {
            case StateCheck.Forged:
                return Invalid("invalid_state", "The state is not one WxHub issued for this app. Start again from GET /oauth/{appid}/authorize.");
            case StateCheck.Expired:
                return Invalid("state_expired", $"The authorization took longer than {options.Value.StateLifetime.TotalMinutes:0} minutes. Start again from the business page.");
        }
        if (await store.TakePendingAsync(nonce, now, cancellationToken) is not { } pending)
            return new Problem(ProblemKind.Conflict, "state_used", "This authorization was already completed; a state works once. Start again from the business page.");

        if (string.IsNullOrEmpty(code)) return BackToBusiness(pending, ("error", "access_denied"));

        var client = await clients.ResolveAsync(appid, pending.ComponentAppid, [LoginClients.AppTypeFor(pending.Scope)], cancellationToken);
        var signIn = client.Succeeded ? await codes.SignInAsync(client.Value, code, cancellationToken) : client.Problem;
        if (!signIn.Succeeded) return BackToBusiness(pending, ("error", signIn.Problem.Code));

        var wxhubCode = Base64Url(RandomNumberGenerator.GetBytes(32));
        await store.AddSignInAsync(CodeSignIn.CodeHash(wxhubCode), signIn.Value, time.GetUtcNow() + options.Value.SignInCodeLifetime, cancellationToken);
        return BackToBusiness(pending, ("wxhub_code", wxhubCode));
    }

    /// <summary>Turns a <c>wxhub_code</c> into its sign-in, once, when <paramref name="mayUse"/> allows the app.</summary>
    public async Task<Outcome<SignIn>> RedeemAsync(string? wxhubCode, Func<string, ValueTask<bool>> mayUse, CancellationToken cancellationToken)
    {
        var unknown = Invalid("invalid_code", $"The wxhub_code is unknown, used or expired (it works once, within {options.Value.SignInCodeLifetime.TotalSeconds:0} s). Have the person sign in again.");
        if (string.IsNullOrEmpty(wxhubCode)) return unknown;
        var hash = CodeSignIn.CodeHash(wxhubCode);
        var now = time.GetUtcNow();
        // A key that may not see the app learns nothing and does not use up the code.
        if (await store.FindSignInAsync(hash, now, cancellationToken) is not { } signIn || !await mayUse(signIn.Appid)) return unknown;
        return await store.RedeemSignInAsync(hash, now, cancellationToken) ? signIn : unknown;
    }

    private async Task<Outcome<string>> ScopeAsync(AuthorizeRequest request, CancellationToken cancellationToken)
    {
        var app = request.ComponentAppid is null ? await apps.GetAsync(request.Appid, cancellationToken) : null;
        if (request.ComponentAppid is null && app is null)
            return new Problem(ProblemKind.NotFound, "app_not_found", $"No app '{request.Appid}' is registered. Register it with POST /v1/admin/apps, or give component_appid when a third-party platform acts for it.");

        // Authorizers of a third-party platform are Official Accounts; registered apps say what they are.
        var type = app?.Type ?? AppType.OfficialAccount;
        var scope = request.Scope ?? (type == AppType.Website ? OAuthScopes.Login : OAuthScopes.Base);
        return (type, scope) switch
        {
            (AppType.OfficialAccount, OAuthScopes.Base or OAuthScopes.UserInfo) => scope,
            (AppType.Website, OAuthScopes.Login) when request.ComponentAppid is null => scope,
            (AppType.OfficialAccount, _) => Invalid("invalid_scope", "'scope' must be snsapi_base (silent, openid only) or snsapi_userinfo (consent page, with the profile) for an Official Account."),
            (AppType.Website, _) => Invalid("invalid_scope", "A website app signs in with QR-code login: 'scope' must be snsapi_login (or left out)."),
            _ => Invalid("wrong_app_type", $"App '{request.Appid}' is a {AppAdministration.TypeName(type)}; web authorization needs an official_account or a website app (Mini Programs log in with POST /v1/apps/{{appid}}/miniprogram/session)."),
        };
    }

    private static Uri? ParseRedirect(string? value) =>
        value is { Length: > 0 and <= MaxRedirectUriLength }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Fragment.Length == 0
            ? uri
            : null;

    private static string BackToBusiness(PendingAuthorization pending, (string Name, string Value) result)
    {
        var url = QueryHelpers.AddQueryString(pending.RedirectUri, result.Name, result.Value);
        return pending.BusinessState is null ? url : QueryHelpers.AddQueryString(url, "state", pending.BusinessState);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Problem Invalid(string code, string message) => new(ProblemKind.Invalid, code, message);
}

/// <summary>An allowed redirect prefix: same scheme, host and port, and a path under the prefix's path.</summary>
public static class RedirectPrefix
{
    /// <summary>Parses an operator's prefix; null when it is not an absolute http(s) URL without query or fragment.</summary>
    public static string? Normalize(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri.GetLeftPart(UriPartial.Path)
            : null;

    public static bool Matches(string prefix, Uri candidate) =>
        Uri.TryCreate(prefix, UriKind.Absolute, out var allowed)
        && Uri.Compare(allowed, candidate, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0
        && candidate.AbsolutePath.StartsWith(allowed.AbsolutePath, StringComparison.Ordinal)
        // "/shop" allows "/shop" and "/shop/...", not "/shopping".
        && (allowed.AbsolutePath.EndsWith('/') || candidate.AbsolutePath.Length == allowed.AbsolutePath.Length || candidate.AbsolutePath[allowed.AbsolutePath.Length] == '/');
}
