using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Control;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;
using WxHub.Emulator.OAuth;

namespace WxHub.Emulator.Users;

/// <summary>The control API's users: who exists, which apps they follow or used, their mini program logins, media and the messages sent to them.</summary>
internal sealed class UserControl(EmulatorState state)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapControl("POST", "/__emulator/users", RegisterAsync);
        routes.MapControl("GET", "/__emulator/users/{id}", Get);
        routes.MapControl("POST", "/__emulator/apps/{appid}/jscode", IssueJsCodeAsync);
        routes.MapControl("POST", "/__emulator/apps/{appid}/media", UploadMediaAsync);
        routes.MapControl("GET", "/__emulator/apps/{appid}/messages", SentMessages);
        routes.MapControl("GET", "/__emulator/media/{id}", DownloadMedia);
    }

    /// <summary>Creates the user (or adds apps to an existing one): official accounts in <c>apps</c> are followed, other apps used.</summary>
    public UserView Register(UserRegistration registration)
    {
        lock (state.Gate)
        {
            var apps = (registration.Apps ?? []).Select(App).ToList();
            var user = state.Users.GetOrCreate(string.IsNullOrWhiteSpace(registration.Id) ? null : registration.Id, registration.Nickname);
            foreach (var app in apps)
            {
                if (app.Type == AppType.OfficialAccount) state.Users.Follow(user, app, state.Now);
                else state.Users.Connect(user, app);
            }
            return View(user);
        }
    }

    private async Task<IResult> RegisterAsync(HttpContext http)
    {
        var view = Register(await ControlHttp.ReadAsync(http, EmulatorJson.Default.UserRegistration));
        return ControlHttp.Json(view, EmulatorJson.Default.UserView, StatusCodes.Status201Created);
    }

    private IResult Get(HttpContext http)
    {
        var id = ControlHttp.Route(http, "id");
        lock (state.Gate)
        {
            var user = state.Users.Find(id) ?? throw ControlProblem.NotFound("unknown_user", $"There is no user '{id}'; create one with POST /__emulator/users.");
            return ControlHttp.Json(View(user), EmulatorJson.Default.UserView);
        }
    }

    /// <summary>What <c>wx.login</c> gives the mini program: a code for /sns/jscode2session (single-use, 5 minutes).</summary>
    private async Task<IResult> IssueJsCodeAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadOptionalAsync(http, EmulatorJson.Default.JsCodeRequest);
        lock (state.Gate)
        {
            var app = App(ControlHttp.Route(http, "appid"));
            if (app.Type != AppType.MiniProgram) throw ControlProblem.BadRequest("not_a_mini_program", $"{app.AppId} is not a mini_program; only mini programs log in with wx.login.");
            var user = state.Users.GetOrCreate(request?.User);
            var openId = state.Users.Connect(user, app);
            var code = state.Logins.IssueCode(LoginCodeKind.JsCode, app.AppId, null, user.Id, openId, "jscode", state.Now);
            return ControlHttp.Json(new JsCodeView(code.Code, openId, user.Id), EmulatorJson.Default.JsCodeView, StatusCodes.Status201Created);
        }
    }

    private async Task<IResult> UploadMediaAsync(HttpContext http)
    {
        var upload = await ControlHttp.ReadAsync(http, EmulatorJson.Default.MediaUpload);
        var contentType = AppRegistrar.Required(upload.ContentType, "content_type");
        byte[] content;
        try { content = Convert.FromBase64String(AppRegistrar.Required(upload.ContentBase64, "content_base64")); }
        catch (FormatException) { throw ControlProblem.BadRequest("invalid_base64", "content_base64 must be the file's bytes in Base64."); }
        lock (state.Gate)
        {
            var app = App(ControlHttp.Route(http, "appid"));
            var item = state.Media.Add(app.AppId, contentType, content, state.Now);
            return ControlHttp.Json(new MediaView(item.MediaId), EmulatorJson.Default.MediaView, StatusCodes.Status201Created);
        }
    }

    /// <summary>Where a video's <c>video_url</c> points.</summary>
    private IResult DownloadMedia(HttpContext http)
    {
        lock (state.Gate)
        {
            var item = state.Media.Find(ControlHttp.Route(http, "id")) ?? throw ControlProblem.NotFound("unknown_media", "No such media.");
            return Results.Bytes(item.Content, item.ContentType);
        }
    }

    private IResult SentMessages(HttpContext http)
    {
        lock (state.Gate)
        {
            var app = App(ControlHttp.Route(http, "appid"));
            var messages = state.Outbox.SentBy(app.AppId).Select(m => new SentMessageView(m.Kind, m.ToUser, m.Type, m.Body, m.At, m.MsgId)).ToList();
            return ControlHttp.Json(new SentMessageList(messages), EmulatorJson.Default.SentMessageList);
        }
    }

    private AppConfig App(string appId) =>
        state.Apps.GetValueOrDefault(appId) ?? throw ControlProblem.BadRequest("unknown_app", $"There is no app '{appId}'; register it with POST /__emulator/apps first.");

    private static UserView View(EmulatedUser user) =>
        new(user.Id, user.Nickname, new Dictionary<string, string>(user.OpenIds), new Dictionary<string, string>(user.UnionIds));
}
