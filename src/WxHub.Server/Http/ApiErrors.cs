using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace WxHub.Server.Http;

/// <summary>The one error shape of every WxHub HTTP API: <c>{"error": "&lt;code&gt;", "message": "&lt;what and how to fix&gt;"}</c>.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errcode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrCode = null);

public static class ApiErrors
{
    public static IResult Create(int status, string error, string message, int? errcode = null) =>
        Results.Json(new ApiError(error, message, errcode), ApiJsonContext.Default.ApiError, statusCode: status);

    public static IResult BadRequest(string error, string message) => Create(StatusCodes.Status400BadRequest, error, message);

    public static IResult NotFound(string error, string message) => Create(StatusCodes.Status404NotFound, error, message);

    public static IResult Unauthorized(string message) => Create(StatusCodes.Status401Unauthorized, "unauthorized", message);

    /// <summary>A flow's problem as its status: the caller's input 400, something absent 404, a conflict 409, WeChat 503.</summary>
    public static IResult From(WxHub.Core.Problem problem) => Create(
        problem.Kind switch
        {
            WxHub.Core.ProblemKind.Invalid => StatusCodes.Status400BadRequest,
            WxHub.Core.ProblemKind.NotFound => StatusCodes.Status404NotFound,
            WxHub.Core.ProblemKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status503ServiceUnavailable,
        },
        problem.Code, problem.Message, problem.ErrCode);
}

[JsonSerializable(typeof(ApiError))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
