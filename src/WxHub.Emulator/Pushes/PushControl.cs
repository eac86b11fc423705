using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Control;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Pushes;

internal sealed record PushLogList(IReadOnlyList<PushLogEntry> Pushes);

/// <summary>The control API's pushes: push a message to an account's server, verify its URL, list what was pushed.</summary>
internal sealed class PushControl(MessagePusher pusher, PushLog log)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapControl("POST", "/__emulator/apps/{appid}/push", PushAsync);
        routes.MapControl("POST", "/__emulator/apps/{appid}/verify_url", async http =>
            ControlHttp.Json(await pusher.VerifyUrlAsync(ControlHttp.Route(http, "appid")), EmulatorJson.Default.PushResult));
        routes.MapControl("GET", "/__emulator/pushes", http => ControlHttp.Json(
            new PushLogList(log.Find(http.Request.Query["target"].FirstOrDefault(), http.Request.Query["kind"].FirstOrDefault())),
            EmulatorJson.Default.PushLogList));
    }

    private async Task<IResult> PushAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.PushMessageRequest);
        return ControlHttp.Json(await pusher.PushAsync(ControlHttp.Route(http, "appid"), request), EmulatorJson.Default.PushResult);
    }
}
