using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Components;
using WxHub.Protocol.Signatures;

namespace WxHub.Server.Messages;

/// <summary>
/// The checks every callback passes first, URL verification and pushes alike: a known receiver with a Token (a
/// registered app, a platform, or an active authorizer of the platform in the URL), and a <c>signature</c> over the
/// Token, a fresh <c>timestamp</c> and the <c>nonce</c>.
/// </summary>
public sealed class CallbackAuthenticator(IAppStore apps, IComponentStore components, IAuthorizerStore authorizers, TimeProvider time, IOptions<MessageServerOptions> options)
{
    /// <summary><c>/wechat/callback/{appid}</c>: a registered app's own callbacks.</summary>
    public async Task<Checked<CallbackReceiver>> AuthenticateAsync(string appid, IQueryCollection query, CancellationToken cancellationToken)
    {
        var app = await apps.GetAsync(appid, cancellationToken);
        if (app is null) return CallbackRejection.AppNotFound();
        if (app.Token is null) return CallbackRejection.NotConfigured(appid);
        return Verify(CallbackReceiver.For(app), query);
    }

    /// <summary>
    /// <c>/wechat/component/{component_appid}/…</c>: the platform's system pushes (<paramref name="appid"/> null) or the
    /// messages of one of its active authorizers.
    /// </summary>
    public async Task<Checked<CallbackReceiver>> AuthenticateComponentAsync(string componentAppid, string? appid, IQueryCollection query, CancellationToken cancellationToken)
    {
        var component = await components.GetAsync(componentAppid, cancellationToken);
        if (component is null) return CallbackRejection.ComponentNotFound();
        if (appid is not null)
        {
            var authorizer = await authorizers.GetAsync(appid, cancellationToken);
            if (authorizer is not { Status: AuthorizerStatus.Authorized } || authorizer.ComponentAppid != componentAppid) return CallbackRejection.AppNotFound();
        }
        return Verify(CallbackReceiver.For(component, appid), query);
    }

    private Checked<CallbackReceiver> Verify(CallbackReceiver receiver, IQueryCollection query)
    {
        if (Parameter(query, "signature") is not { } signature) return CallbackRejection.MissingParameter("signature");
        if (Parameter(query, "timestamp") is not { } timestamp) return CallbackRejection.MissingParameter("timestamp");
        if (Parameter(query, "nonce") is not { } nonce) return CallbackRejection.MissingParameter("nonce");
        if (!CallbackSignature.Verify(signature, receiver.Token, timestamp, nonce)) return CallbackRejection.InvalidSignature();
        if (!IsFresh(timestamp)) return CallbackRejection.StaleTimestamp(options.Value.ReplayWindow);
        return receiver;
    }

    /// <summary>A query parameter's value, or null when it is absent or empty.</summary>
    public static string? Parameter(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    private bool IsFresh(string timestamp) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) <= options.Value.ReplayWindow.TotalSeconds;
}
