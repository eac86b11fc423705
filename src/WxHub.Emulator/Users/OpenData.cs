using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Control;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;
using WxHub.Protocol.Crypto;

namespace WxHub.Emulator.Users;

/// <summary>
/// The session_key of each user's latest Mini Program login (jscode2session), per app: WeChat encrypts the user's
/// open data (user info, phone number) with it. Callers hold the state lock.
/// </summary>
internal sealed class SessionKeys
{
    private readonly Dictionary<(string AppId, string UserId), string> _keys = new();

    /// <summary>A new key for the login; it replaces the user's previous one in the app, as wx.login does.</summary>
    public string Issue(string appId, string userId) => _keys[(appId, userId)] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public string? Find(string appId, string userId) => _keys.GetValueOrDefault((appId, userId));
}

internal sealed record OpenDataRequest(string? User, JsonObject? Data);

internal sealed record OpenDataView(
    [property: JsonPropertyName("encryptedData")] string EncryptedData,
    [property: JsonPropertyName("iv")] string Iv);

/// <summary>
/// <c>POST /__emulator/apps/{appid}/open_data</c> <c>{"user", "data"?}</c>: what a Mini Program receives from
/// <c>wx.getUserInfo</c> or <c>getPhoneNumber</c>, encrypted with the user's current session_key. Without
/// <c>data</c> it is the user's profile; a <c>watermark</c> is added unless <c>data</c> brings its own.
/// </summary>
internal sealed class OpenDataControl(EmulatorState state)
{
    public void Map(IEndpointRouteBuilder routes) => routes.MapControl("POST", "/__emulator/apps/{appid}/open_data", EncryptAsync);

    private async Task<IResult> EncryptAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.OpenDataRequest);
        var appId = ControlHttp.Route(http, "appid");
        lock (state.Gate)
        {
            var app = state.Apps.GetValueOrDefault(appId) ?? throw ControlProblem.BadRequest("unknown_app", $"There is no app '{appId}'; register it with POST /__emulator/apps first.");
            var user = state.Users.Find(request.User ?? "") ?? throw ControlProblem.NotFound("unknown_user", $"There is no user '{request.User}'; create one with POST /__emulator/users.");
            var sessionKey = state.SessionKeys.Find(app.AppId, user.Id)
                ?? throw ControlProblem.BadRequest("no_session", $"{user.Id} has not logged in to {app.AppId} (wx.login, then jscode2session), so there is no session_key to encrypt with.");

            var data = (JsonObject?)request.Data?.DeepClone() ?? new JsonObject
            {
                ["openId"] = user.OpenIds.GetValueOrDefault(app.AppId),
                ["nickName"] = user.Nickname,
                ["unionId"] = state.Users.UnionIdIn(user, app),
            };
            data["watermark"] ??= new JsonObject { ["appid"] = app.AppId, ["timestamp"] = state.Now.ToUnixTimeSeconds() };
            var iv = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            return ControlHttp.Json(new OpenDataView(MiniProgramDataCrypto.Encrypt(sessionKey, iv, data.ToJsonString()), iv), EmulatorJson.Default.OpenDataView);
        }
    }
}
