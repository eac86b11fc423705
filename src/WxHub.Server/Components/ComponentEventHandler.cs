using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;
using WxHub.Protocol.Messages;
using WxHub.Server.Http;
using WxHub.Server.Messages;

namespace WxHub.Server.Components;

/// <summary>
/// <c>POST /wechat/component/{component_appid}/events</c>, the platform's authorization event receive URL: pushes are
/// verified and decrypted with the platform's Token and key as any callback is. A ticket is stored before WeChat is
/// answered; <c>authorized</c> and <c>updateauthorized</c> exchange their code at once; <c>unauthorized</c> ends the
/// grant. Authorization changes then go to the subscribers of the platform and of the account, through the outbox.
/// </summary>
public sealed partial class ComponentEventHandler(
    CallbackAuthenticator authenticator,
    PushReader reader,
    CallbackRejections rejections,
    ComponentTickets tickets,
    CredentialManager credentials,
    AuthorizationGrants grants,
    CallbackIngress ingress,
    ISubscriberStore subscribers,
    TimeProvider time,
    IOptions<MessageServerOptions> options,
    ILogger<ComponentEventHandler> logger)
{
    public async Task<IResult> HandleAsync(string componentAppid, HttpRequest request)
    {
        var receiver = await authenticator.AuthenticateComponentAsync(componentAppid, null, request.Query, request.HttpContext.RequestAborted);
        if (receiver.Rejection is not null) return rejections.Reject(componentAppid, receiver.Rejection);
        if (CallbackAuthenticator.Parameter(request.Query, "encrypt_type") != "aes") return rejections.Reject(componentAppid, CallbackRejection.EncryptionRequired());
        var opened = await reader.OpenAsync(receiver.Value!, request);
        if (opened.Rejection is not null) return rejections.Reject(componentAppid, opened.Rejection);
        var parsed = ComponentNotification.Parse(opened.Value!.Body, options.Value.MaxBodyBytes);
        if (!parsed.Succeeded) return rejections.Reject(componentAppid, CallbackRejection.Unreadable(parsed.Error, parsed.Detail, options.Value.MaxBodyBytes));

        switch (parsed.Value)
        {
            case ComponentVerifyTicket ticket:
                await tickets.AcceptAsync(componentAppid, ticket.Ticket, CancellationToken.None); // durable before "success"
                credentials.Retry(ComponentAdministration.TokenKey(componentAppid));
                break;
            case AuthorizationNotification { Change: AuthorizationChange.Revoked } revoked:
                await grants.RevokeAsync(componentAppid, revoked.AuthorizerAppid, revoked.InfoType, "WeChat pushed unauthorized", CancellationToken.None);
                await PublishAsync(revoked);
                break;
            case AuthorizationNotification { AuthorizationCode: { Length: > 0 } code } granted:
                var outcome = await grants.CompleteAsync(componentAppid, code, granted.AuthorizerAppid, granted.InfoType);
                // No answer from WeChat: not "success", so that WeChat pushes again and the exchange is retried.
                if (!outcome.Succeeded && outcome.Problem.ErrCode is null) return ApiErrors.From(outcome.Problem);
                await PublishAsync(granted);
                break;
            default:
                LogIgnored(componentAppid, parsed.Value!.InfoType);
                break;
        }
        return Results.Text(PushHandler.Acknowledgement, "text/plain");
    }

    private async Task PublishAsync(AuthorizationNotification notification)
    {
        var message = DeliveryMessage.Serialize(notification, time.GetUtcNow());
        var key = $"{notification.InfoType}:{notification.AuthorizerAppid}:{notification.CreateTime}";
        foreach (var appid in new[] { notification.AppId, notification.AuthorizerAppid })
            await ingress.PublishAsync(appid, await subscribers.ListAsync(appid), key, DeliveryMessage.AuthorizationMsgType, notification.InfoType, notification.AuthorizerAppid, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform {ComponentAppid}: acknowledged a system push WxHub does not act on ({InfoType})")]
    private partial void LogIgnored(string componentAppid, string infoType);
}
