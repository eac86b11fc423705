using WxHub.Emulator.Hosting;
using WxHub.Emulator.Pushes;
using WxHub.Protocol.Messages;

namespace WxHub.Emulator.Components;

/// <summary>
/// A platform's system pushes to its authorization-event URL (reference §4.1): encrypted with the platform's key,
/// delivered in order, and answered with the plain string <c>success</c> (anything else counts as an invalid reply).
/// </summary>
internal sealed class ComponentNotifier(EmulatorState state, PushSender sender, PushLog log)
{
    /// <summary>Builds the notification now (the caller holds the state lock) and queues its delivery.</summary>
    public Task<PushResult> Notify(ComponentState component, string infoType, Func<WeChatXmlBuilder, WeChatXmlBuilder>? fields = null)
    {
        var config = component.Config;
        var now = state.Now;
        var xml = new WeChatXmlBuilder()
            .Text("AppId", config.ComponentAppId)
            .Number("CreateTime", now.ToUnixTimeSeconds())
            .Text("InfoType", infoType);
        var request = PushEnvelope.System(config.EventUrl, config.Identity, (fields?.Invoke(xml) ?? xml).Build(), now);

        return component.Pushes.Enqueue(async () =>
        {
            var delivery = await sender.SendAsync(HttpMethod.Post, request.Url, request.Body);
            var verdict = delivery.Body == "success"
                ? ReplyVerdict.Acknowledged(delivery.Body)
                : ReplyVerdict.Invalid(delivery.Body ?? "", "a platform answers its system pushes with the plain string success");
            var result = PushResult.Of(delivery, verdict);
            log.Record(infoType, config.ComponentAppId, request.Url, result, state.Now);
            return result;
        });
    }
}
