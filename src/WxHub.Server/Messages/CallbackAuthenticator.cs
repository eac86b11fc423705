using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using WxHub.Protocol.Signatures;

namespace WxHub.Server.Messages;

/// <summary>
/// The checks every callback passes first, URL verification and pushes alike: a known receiver with a Token (a
/// registered app, a platform, or an active authorizer of the platform in the URL), and a <c>signature</c> over the
/// Token, a fresh <c>timestamp</c> and the <c>nonce</c>.
/// </summary>
public sealed class CallbackAuthenticator(CallbackTargets targets, TimeProvider time, IOptions<MessageServerOptions> options)
{
    /// <summary><c>/wechat/callback/{appid}</c>: a registered app's own callbacks.</summary>
    public async Task<Checked<CallbackTarget>> AuthenticateAsync(string appid, IQueryCollection query, CancellationToken cancellationToken)
    {
        var target = await targets.GetAsync(appid, cancellationToken);
        if (target is null) return CallbackRejection.AppNotFound();
        if (target.Token is null) return CallbackRejection.NotConfigured(appid);
        return Verify(target, query);
    }

    /// <summary>
    /// <c>/wechat/component/{component_appid}/…</c>: the platform's system pushes (<paramref name="appid"/> null) or the
    /// messages of one of its active authorizers, under the platform's Token.
    /// </summary>
    public async Task<Checked<CallbackTarget>> AuthenticateComponentAsync(string componentAppid, string? appid, IQueryCollection query, CancellationToken cancellationToken)
    {
        var target = await targets.GetComponentAsync(componentAppid, appid, cancellationToken);
        if (target is null) return appid is null ? CallbackRejection.ComponentNotFound() : CallbackRejection.AppNotFound();
        return Verify(target, query);
    }

    /// <summary>A query parameter's value, or null when it is absent or empty.</summary>
    public static string? Parameter(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    private Checked<CallbackTarget> Verify(CallbackTarget target, IQueryCollection query)
    {
        if (Parameter(query, "signature") is not { } signature) return CallbackRejection.MissingParameter("signature");
        if (Parameter(query, "timestamp") is not { } timestamp) return CallbackRejection.MissingParameter("timestamp");
        if (Parameter(query, "nonce") is not { } nonce) return CallbackRejection.MissingParameter("nonce");
        if (!CallbackSignature.Verify(signature, target.Token!, timestamp, nonce)) return CallbackRejection.InvalidSignature();
        if (!IsFresh(timestamp)) return CallbackRejection.StaleTimestamp(options.Value.ReplayWindow);
        return target;
    }

    private bool IsFresh(string timestamp) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) <= options.Value.ReplayWindow.TotalSeconds;
}
