using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Messages;

/// <summary>Messages an account sends and media it uploads and downloads (reference §7).</summary>
internal sealed class MessageEndpoints(EmulatorState state, ApiGuard guard)
{
    /// <summary>Each customer-service msgtype and the fields its payload object must have.</summary>
    private static readonly Dictionary<string, string[]> CustomPayloads = new(StringComparer.Ordinal)
    {
        ["text"] = ["content"],
        ["image"] = ["media_id"],
        ["voice"] = ["media_id"],
        ["video"] = ["media_id"],
        ["music"] = ["thumb_media_id"],
        ["news"] = ["articles"],
        ["mpnews"] = ["media_id"],
        ["mpnewsarticle"] = ["article_id"],
        ["msgmenu"] = ["list"],
        ["wxcard"] = ["card_id"],
        ["miniprogrampage"] = ["title", "pagepath", "thumb_media_id"],
        ["link"] = ["title", "url"],
    };

    /// <summary>The media types <c>/cgi-bin/media/upload</c> takes, and the content type assumed when the part names none.</summary>
    private static readonly Dictionary<string, string> UploadTypes = new(StringComparer.Ordinal)
    {
        ["image"] = "image/jpeg",
        ["voice"] = "audio/amr",
        ["video"] = "video/mp4",
        ["thumb"] = "image/jpeg",
    };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatPost("/cgi-bin/message/custom/send", state, SendCustom);
        routes.MapWeChatPost("/cgi-bin/message/template/send", state, SendTemplate);
        routes.MapWeChatGet("/cgi-bin/media/get", state, GetMedia);
        routes.MapWeChatPost("/cgi-bin/media/upload", state, call => UploadedFile.ReadAsync(call, "media"), UploadMedia);
    }

    /// <summary>Allowed only inside the user's service window (45015 outside, 45047 when its messages are used up).</summary>
    private IResult SendCustom(ApiCall call)
    {
        var account = guard.AccessToken(call);
        ApiGuard.AppTypeIs(account.App, AppType.OfficialAccount, AppType.MiniProgram);
        var body = call.ReadJsonObject();
        var toUser = Recipient(account.App, body);
        var type = StringProperty(body, "msgtype");
        if (type is null || !CustomPayloads.TryGetValue(type, out var required)) throw new WeChatError(WeChatErrors.InvalidMessageType);
        if (!body.TryGetProperty(type, out var payload) || payload.ValueKind != JsonValueKind.Object)
            throw new WeChatError(WeChatErrors.DataFormatError, $"data format error, \"{type}\" object missing");
        if (required.FirstOrDefault(f => !payload.TryGetProperty(f, out _)) is { } missing)
            throw new WeChatError(WeChatErrors.DataFormatError, $"data format error, \"{type}.{missing}\" missing");

        state.ServiceWindows.Use(account.App.AppId, toUser, state.Now);
        state.Outbox.Add(new SentMessage("custom", account.App.AppId, toUser, type, body.Clone(), state.Now, null));
        return WeChatResults.Ok();
    }

    /// <summary>Only to followers (43004 otherwise); answers with the msgid the TEMPLATESENDJOBFINISH event would carry.</summary>
    private IResult SendTemplate(ApiCall call)
    {
        var account = guard.AccessToken(call);
        ApiGuard.AppTypeIs(account.App, AppType.OfficialAccount);
        var body = call.ReadJsonObject();
        var toUser = Recipient(account.App, body);
        var templateId = StringProperty(body, "template_id");
        if (string.IsNullOrEmpty(templateId)) throw new WeChatError(WeChatErrors.InvalidTemplateId);
        if (!body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            throw new WeChatError(WeChatErrors.DataFormatError, "data format error, \"data\" object missing");
        if (!state.Users.ByOpenId(account.App.AppId, toUser)!.FollowedAt.ContainsKey(account.App.AppId))
            throw new WeChatError(WeChatErrors.RequireSubscribe);

        var msgId = state.Outbox.NextMsgId();
        state.Outbox.Add(new SentMessage("template", account.App.AppId, toUser, templateId, body.Clone(), state.Now, msgId));
        return WeChatResults.Json(new TemplateSentBody(0, "ok", msgId), EmulatorJson.Default.TemplateSentBody);
    }

    /// <summary>The file itself, or for a video <c>{"video_url"}</c>; 40007 for an unknown or expired media_id.</summary>
    private IResult GetMedia(ApiCall call)
    {
        var account = guard.AccessToken(call);
        var item = state.Media.Find(account.App.AppId, call.Query("media_id"), state.Now) ?? throw new WeChatError(WeChatErrors.InvalidMediaId);
        if (item.IsVideo)
        {
            var url = $"{call.Http.Request.Scheme}://{call.Http.Request.Host}/__emulator/media/{Uri.EscapeDataString(item.MediaId)}";
            return WeChatResults.Json(new VideoUrlBody(url), EmulatorJson.Default.VideoUrlBody);
        }
        call.Http.Response.Headers.CacheControl = "no-cache, must-revalidate";
        return Results.Bytes(item.Content, item.ContentType, item.MediaId + item.FileExtension);
    }

    /// <summary>
    /// Temporary media from a multipart form (field <c>media</c>): 40004 for an unknown <c>type</c>, 41005 without a file.
    /// A thumb answers <c>thumb_media_id</c>, the others <c>media_id</c>.
    /// </summary>
    private IResult UploadMedia(ApiCall call, UploadedFile? file)
    {
        var account = guard.AccessToken(call);
        var type = call.Query("type");
        if (type is null || !UploadTypes.TryGetValue(type, out var assumedContentType)) throw new WeChatError(WeChatErrors.InvalidMediaType);
        if (file is null || file.Content.Length == 0) throw new WeChatError(WeChatErrors.MediaDataMissing);
        var contentType = file.ContentType is { Length: > 0 } named && named != "application/octet-stream" ? named : assumedContentType;
        var item = state.Media.Add(account.App.AppId, contentType, file.Content, state.Now);
        var thumb = type == "thumb";
        return WeChatResults.Json(new MediaUploadedBody(type, thumb ? null : item.MediaId, thumb ? item.MediaId : null, state.Now.ToUnixTimeSeconds()),
            EmulatorJson.Default.MediaUploadedBody);
    }

    private string Recipient(AppConfig app, JsonElement body)
    {
        var toUser = StringProperty(body, "touser");
        return state.Users.ByOpenId(app.AppId, toUser) is null ? throw new WeChatError(WeChatErrors.InvalidOpenId) : toUser!;
    }

    private static string? StringProperty(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
