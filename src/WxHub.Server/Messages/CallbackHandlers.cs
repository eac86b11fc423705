using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WxHub.Core.Messages;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

/// <summary>Refuses a callback: one log line naming the app and the reason (never a secret), one count, one 4xx.</summary>
public sealed partial class CallbackRejections(CallbackMetrics metrics, ILogger<CallbackRejections> logger)
{
    public IResult Reject(string appid, CallbackRejection rejection)
    {
        var registered = rejection.IsForRegisteredApp;
        metrics.Rejected(registered ? appid : null, rejection.Error);
        LogRejected(registered || AppidPattern().IsMatch(appid) ? appid : "(not an appid)", rejection.Status, rejection.Error, rejection.Message);
        return rejection.ToResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a WeChat callback for app {Appid} with {Status} {Reason}: {Detail}")]
    private partial void LogRejected(string appid, int status, string reason, string detail);

    // The appid of an unknown app comes from the caller; it is logged only when it cannot forge a log line.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AppidPattern();
}

/// <summary>
/// <c>GET /wechat/callback/{appid}</c> (and an authorizer's <c>GET /wechat/component/{component_appid}/callback/{appid}</c>):
/// WeChat checks the server URL by asking for <c>echostr</c> back.
/// </summary>
public sealed class UrlVerificationHandler(CallbackRejections rejections, CallbackMetrics metrics)
{
    /// <param name="target">Where the route points, as the <see cref="CallbackAuthenticator"/> checked it.</param>
    public IResult Handle(string appid, Checked<CallbackTarget> target, HttpRequest request)
    {
        if (target.Rejection is not null) return rejections.Reject(appid, target.Rejection);
        if (CallbackAuthenticator.Parameter(request.Query, "echostr") is not { } echo)
            return rejections.Reject(appid, CallbackRejection.MissingParameter("echostr"));
        metrics.Verified(appid);
        return Results.Text(echo, "text/plain");
    }
}

/// <summary>
/// <c>POST /wechat/callback/{appid}</c> (and an authorizer's <c>POST /wechat/component/{component_appid}/callback/{appid}</c>):
/// a user message or event. Verified, decrypted, accepted (durably, once), and answered with the passive reply —
/// encrypted in the AES modes with the key the push came under — or, without one, "success" (an empty body in safe mode).
/// </summary>
public sealed class PushHandler(PushReader reader, CallbackIngress ingress, CallbackRejections rejections, TimeProvider time)
{
    public const string Acknowledgement = "success";

    /// <param name="checkedTarget">Where the route points, as the <see cref="CallbackAuthenticator"/> checked it.</param>
    public async Task<IResult> HandleAsync(string appid, Checked<CallbackTarget> checkedTarget, HttpRequest request)
    {
        if (checkedTarget.Rejection is not null) return rejections.Reject(appid, checkedTarget.Rejection);
        var target = checkedTarget.Value!;
        var push = await reader.ReadAsync(target, request);
        if (push.Rejection is not null) return rejections.Reject(appid, push.Rejection);

        var reply = await ingress.AcceptAsync(target, push.Value!);
        return reply is not null ? Results.Text(Answer(target, push.Value!, reply), "application/xml")
            // Whether WeChat takes a plain "success" in safe mode is not documented; an empty body is acknowledged in every mode.
            : push.Value!.Encryption == CallbackEncryption.Safe ? Results.Text("", "text/plain")
            : Results.Text(Acknowledgement, "text/plain");
    }

    private string Answer(CallbackTarget target, Push push, string replyXml) => push.Encryption == CallbackEncryption.Plaintext
        ? replyXml
        : EncryptedReply.Build(
            push.Key!, target.Token!, target.ReceiverId, replyXml,
            time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            RandomNumberGenerator.GetString("0123456789", 10));
}
