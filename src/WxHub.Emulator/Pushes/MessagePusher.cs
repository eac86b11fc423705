using System.Security.Cryptography;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Control;
using WxHub.Emulator.Hosting;
using WxHub.Protocol.Messages;

namespace WxHub.Emulator.Pushes;

/// <summary>What <c>POST /__emulator/apps/{appid}/push</c> takes: a whole XML message, or the parts of a text message or event.</summary>
internal sealed record PushMessageRequest(string? Xml, string? MsgType, string? From, string? Content, string? Event, string? EventKey);

/// <summary>
/// Pushes user messages and events to an account's server as WeChat does (reference §3): to its callback URL in its
/// mode, or, for an account that authorized a platform with a message URL, to that URL encrypted with the platform's
/// key (§4.11). The reply is checked and the push logged. A message from a user opens the customer-service window.
/// </summary>
internal sealed class MessagePusher(EmulatorState state, PushSender sender, PushLog log)
{
    public async Task<PushResult> PushAsync(string appId, PushMessageRequest request)
    {
        Prepared prepared;
        lock (state.Gate) prepared = Prepare(appId, request);
        var delivery = await sender.SendAsync(HttpMethod.Post, prepared.Request.Url, prepared.Request.Body);
        var verdict = delivery.Outcome == DeliveryOutcome.Answered
            ? ReplyCheck.Check(delivery.Body!, prepared.Route.Mode, prepared.Route.Identity, prepared.Message)
            : null;
        var result = PushResult.Of(delivery, verdict) with { MsgId = prepared.Message.MsgId };
        log.Record("message", appId, prepared.Request.Url, result, state.Now);
        return result;
    }

    /// <summary>The console's check of the callback URL: one GET whose answer must be the echostr.</summary>
    public async Task<PushResult> VerifyUrlAsync(string appId)
    {
        PushRequest request;
        var echostr = PushEnvelope.Nonce() + PushEnvelope.Nonce();
        lock (state.Gate)
        {
            var app = App(appId);
            var url = app.CallbackUrl ?? throw ControlProblem.BadRequest("no_callback_url", $"{appId} has no callback_url to verify.");
            request = PushEnvelope.Verification(url, app.Token!, echostr, state.Now);
        }
        var delivery = await sender.SendAsync(HttpMethod.Get, request.Url, null, attempts: 1);
        var verdict = delivery.Body == echostr
            ? new ReplyVerdict("verified", echostr, true, null)
            : ReplyVerdict.Invalid(delivery.Body ?? "", "the answer must be the echostr parameter, unchanged, as plain text");
        var result = PushResult.Of(delivery, verdict);
        log.Record("url_verification", appId, request.Url, result, state.Now);
        return result;
    }

    private Prepared Prepare(string appId, PushMessageRequest request)
    {
        var app = App(appId);
        var route = RouteOf(app);
        var xml = request.Xml ?? Compose(app, request);
        var parsed = InboundMessage.Parse(xml);
        if (!parsed.Succeeded) throw ControlProblem.BadRequest("invalid_xml", $"xml is not a WeChat message ({parsed.Error}): {parsed.Detail}");
        var message = parsed.Value;
        Observe(app, message);
        return new Prepared(route, message, PushEnvelope.Message(route.Url, route.Identity, route.Mode, xml, message.ToUserName, message.FromUserName, state.Now));
    }

    /// <summary>What the user's action means for the account: a follow, an unfollow, an open customer-service window.</summary>
    private void Observe(AppConfig app, InboundMessage message)
    {
        if (state.Users.ByOpenId(app.AppId, message.FromUserName) is not { } user) return;
        var now = state.Now;
        switch (message is EventMessage e ? e.Event : null)
        {
            case null:
                state.ServiceWindows.OpenForMessage(app.AppId, message.FromUserName, now);
                break;
            case "unsubscribe":
                state.Users.Unfollow(user, app);
                break;
            case var name:
                if (name == "subscribe") state.Users.Follow(user, app, now);
                state.ServiceWindows.OpenForEvent(app.AppId, message.FromUserName, now);
                break;
        }
    }

    private string Compose(AppConfig app, PushMessageRequest request)
    {
        var from = AppRegistrar.Required(request.From, "from");
        if (state.Users.ByOpenId(app.AppId, from) is null)
            throw ControlProblem.BadRequest("unknown_openid", $"'{from}' is not an OpenID of {app.AppId}; create the user with POST /__emulator/users.");
        var xml = new WeChatXmlBuilder()
            .Text("ToUserName", app.OriginalId)
            .Text("FromUserName", from)
            .Number("CreateTime", state.Now.ToUnixTimeSeconds());
        return request.MsgType switch
        {
            "text" => xml.Text("MsgType", "text").Text("Content", AppRegistrar.Required(request.Content, "content"))
                .Number("MsgId", RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1000L + RandomNumberGenerator.GetInt32(1000)).Build(),
            "event" => xml.Text("MsgType", "event").Text("Event", AppRegistrar.Required(request.Event, "event")).Text("EventKey", request.EventKey).Build(),
            _ => throw ControlProblem.BadRequest("invalid_msg_type", "Give \"xml\", or msg_type \"text\" (with from, content) or \"event\" (with from, event, event_key?)."),
        };
    }

    private PushRoute RouteOf(AppConfig app)
    {
        var platform = state.Components.Values.FirstOrDefault(c => c.Authorizations.ContainsKey(app.AppId) && c.Config.MessageUrl is not null);
        if (platform is not null) return new PushRoute(platform.Config.MessageUrlFor(app.AppId)!, platform.Config.Identity, PushMode.Safe);
        var url = app.CallbackUrl ?? throw ControlProblem.BadRequest("no_callback_url", $"{app.AppId} has no callback_url; register it with one to receive pushes.");
        return new PushRoute(url, new PushIdentity(app.Token!, app.EncodingAesKey, app.AppId), app.Mode);
    }

    private AppConfig App(string appId) =>
        state.Apps.GetValueOrDefault(appId) ?? throw ControlProblem.NotFound("unknown_app", $"There is no app '{appId}'.");

    private sealed record PushRoute(Uri Url, PushIdentity Identity, PushMode Mode);

    private sealed record Prepared(PushRoute Route, InboundMessage Message, PushRequest Request);
}
