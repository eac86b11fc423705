using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core;
using WxHub.Core.Diagnostics;

namespace WxHub.Server.Http;

/// <summary>The one error shape of every WxHub HTTP API: <c>{"error": "&lt;code&gt;", "message": "&lt;what and how to fix&gt;"}</c>.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errcode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrCode = null);

public static class ApiErrors
{
    public static IResult Create(int status, string error, string message, int? errcode = null) =>
        new CountedRefusal(Results.Json(new ApiError(error, message, errcode), ApiJsonContext.Default.ApiError, statusCode: status), status, error);

    public static IResult BadRequest(string error, string message) => Create(StatusCodes.Status400BadRequest, error, message);

    public static IResult NotFound(string error, string message) => Create(StatusCodes.Status404NotFound, error, message);

    public static IResult Unauthorized(string message) => Create(StatusCodes.Status401Unauthorized, "unauthorized", message);

    /// <summary>A flow's problem: the caller's input 400, absent 404, a replay 409, WeChat 502, no credential now 503.</summary>
    public static IResult From(Problem problem) => Create(
        problem.Kind switch
        {
            ProblemKind.Invalid => StatusCodes.Status400BadRequest,
            ProblemKind.NotFound => StatusCodes.Status404NotFound,
            ProblemKind.Conflict => StatusCodes.Status409Conflict,
            ProblemKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status502BadGateway,
        },
        problem.Code, problem.Message, problem.ErrCode);
}

/// <summary>
/// An error answer that, when it refuses the caller (4xx), is counted in <c>wxhub_requests_refused_total</c> under its
/// error code, so that attacks and misconfigured callers show in the metrics whichever endpoint they hit.
/// </summary>
public sealed class CountedRefusal(IResult answer, int status, string error) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (status is >= 400 and < 500) httpContext.RequestServices.GetService<WxHubMetrics>()?.Refused(error, status);
        return answer.ExecuteAsync(httpContext);
    }
}

[JsonSerializable(typeof(ApiError))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
