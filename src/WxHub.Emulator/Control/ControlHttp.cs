using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Control;

/// <summary>A control call that cannot be done; answered with its status and <c>{"error", "message"}</c>.</summary>
internal sealed class ControlProblem(int status, string error, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Error { get; } = error;

    public static ControlProblem BadRequest(string error, string message) => new(StatusCodes.Status400BadRequest, error, message);

    public static ControlProblem NotFound(string error, string message) => new(StatusCodes.Status404NotFound, error, message);
}

/// <summary>Plumbing of the control API: JSON in and out, problems turned into 4xx answers.</summary>
internal static class ControlHttp
{
    public static void MapControl(this IEndpointRouteBuilder routes, string method, string pattern, Func<HttpContext, Task<IResult>> handler) =>
        routes.MapMethods(pattern, [method], async http =>
        {
            IResult result;
            try
            {
                result = await handler(http);
            }
            catch (ControlProblem problem)
            {
                result = Results.Json(new ControlError(problem.Error, problem.Message), EmulatorJson.Default.ControlError, statusCode: problem.Status);
            }
            await result.ExecuteAsync(http);
        });

    public static void MapControl(this IEndpointRouteBuilder routes, string method, string pattern, Func<HttpContext, IResult> handler) =>
        routes.MapControl(method, pattern, http => Task.FromResult(handler(http)));

    public static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type) where T : class =>
        await ReadOptionalAsync(http, type)
            ?? throw ControlProblem.BadRequest("invalid_json", "The body must be a JSON object.");

    /// <summary>The JSON body, or null when the request has none.</summary>
    public static async Task<T?> ReadOptionalAsync<T>(HttpContext http, JsonTypeInfo<T> type) where T : class
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
        }
        catch (JsonException e)
        {
            throw ControlProblem.BadRequest("invalid_json", $"The body is not the expected JSON: {e.Message}");
        }
    }

    public static IResult Json<T>(T body, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        Results.Json(body, type, statusCode: status);

    public static string Route(HttpContext http, string name) => (string)http.Request.RouteValues[name]!;
}
