using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Faults;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Pages;

namespace WxHub.Emulator.Api;

/// <summary>
/// What every call to a WeChat path goes through before its handler: the body is read, the app it acts for is worked
/// out, the call is counted, and any injected fault applies. Handlers then run under the state lock.
/// </summary>
internal static class ApiPipeline
{
    public const string ControlPrefix = "/__emulator";

    public static void UseWeChatPipeline(this IApplicationBuilder app, EmulatorState state, string accessPoint) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(ControlPrefix))
            {
                await next(http);
                return;
            }

            var body = await ReadBodyAsync(http);
            var call = new ApiCall(http, accessPoint, body ?? []);
            http.Items[typeof(ApiCall)] = call;
            Fault? fault;
            lock (state.Gate)
            {
                call.AppId = ActingAppId(call, state);
                state.Stats.Record(call.Path, call.AppId, accessPoint);
                fault = state.Faults.Take(call.Path, call.AppId, accessPoint);
            }

            if (body is null)
            {
                await WeChatResults.Error(new WeChatError(WeChatErrors.DataFormatError, "data format error, body too large")).ExecuteAsync(http);
                return;
            }
            if (fault is null || await ApplyAsync(fault, http)) await next(http);
        });

    /// <summary>Maps a WeChat GET endpoint.</summary>
    public static void MapWeChatGet(this IEndpointRouteBuilder routes, string path, EmulatorState state, Func<ApiCall, IResult> handler) =>
        routes.MapGet(path, http => RunAsync(http, state, handler));

    /// <summary>Maps a WeChat POST endpoint; a GET to it gets 43002 as from WeChat.</summary>
    public static void MapWeChatPost(this IEndpointRouteBuilder routes, string path, EmulatorState state, Func<ApiCall, IResult> handler) =>
        routes.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], http => RunAsync(http, state, call =>
            call.IsPost ? handler(call) : throw new WeChatError(WeChatErrors.RequirePost)));

    /// <summary>Maps a browser page; what cannot go on is shown as an HTML error page.</summary>
    public static void MapWeChatPage(this IEndpointRouteBuilder routes, string path, EmulatorState state, Func<ApiCall, IResult> handler) =>
        routes.MapGet(path, http =>
        {
            IResult result;
            try
            {
                result = state.AtOneInstant(() => handler(ApiCall.Of(http)));
            }
            catch (PageProblem problem)
            {
                result = ConsentPage.Problem(problem.Message);
            }
            return result.ExecuteAsync(http);
        });

    private static Task RunAsync(HttpContext http, EmulatorState state, Func<ApiCall, IResult> handler)
    {
        var call = ApiCall.Of(http);
        IResult result;
        try
        {
            result = state.AtOneInstant(() => handler(call));
        }
        catch (WeChatError error)
        {
            result = WeChatResults.Error(error);
        }
        return result.ExecuteAsync(http);
    }

    /// <summary>Applies a fault; true when the call should then go on to its handler (a delay).</summary>
    private static async Task<bool> ApplyAsync(Fault fault, HttpContext http)
    {
        switch (fault.Action)
        {
            case FaultAction.Delay:
                // Network latency is wall-clock time, whatever clock the emulator follows.
                try { await Task.Delay(fault.Value, http.RequestAborted); }
                catch (OperationCanceledException) { return false; }
                return true;
            case FaultAction.Drop:
                http.Abort();
                return false;
            case FaultAction.HttpStatus:
                http.Response.StatusCode = fault.Value;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync($"emulated HTTP {fault.Value}");
                return false;
            default:
                await WeChatResults.Error(new WeChatError(fault.Value)).ExecuteAsync(http);
                return false;
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > ApiCall.MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > ApiCall.MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The app whose credential the call carries: the owner of its token, else its <c>appid</c>, else its
    /// <c>component_appid</c> (query first, then a JSON body).
    /// </summary>
    private static string? ActingAppId(ApiCall call, EmulatorState state)
    {
        foreach (var name in (ReadOnlySpan<string>)["access_token", "component_access_token"])
            if (state.Credentials.Find(call.Query(name)) is { } token) return token.AppId;
        return call.Query("appid") ?? BodyString(call, "appid") ?? call.Query("component_appid") ?? BodyString(call, "component_appid");
    }

    private static string? BodyString(ApiCall call, string property)
    {
        if (call.Body.Length == 0 || call.Body[0] != (byte)'{') return null;
        try
        {
            var reader = new Utf8JsonReader(call.Body);
            if (!reader.Read()) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(property);
                reader.Read();
                if (matches && reader.TokenType == JsonTokenType.String) return reader.GetString();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
