using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace WxHub.Server.Http;

/// <summary>Reads a JSON request body, turning every way it can be wrong into a 4xx with the API's error shape.</summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 64 * 1024;

    public readonly record struct Outcome<T>(T? Value, IResult? Error) where T : class;

    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, int maxBytes = DefaultMaxBytes) where T : class
    {
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return new(null, ApiErrors.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'."));

        if (await BoundedBody.ReadAsync(request.Body, request.ContentLength, maxBytes, request.HttpContext.RequestAborted) is not { } body)
            return TooLarge<T>(maxBytes);

        try
        {
            var value = JsonSerializer.Deserialize(body.AsSpan(), type);
            return value is null
                ? new(null, ApiErrors.BadRequest("invalid_json", "The body must be a JSON object."))
                : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, ApiErrors.BadRequest("invalid_json", $"The body is not valid JSON for this call: {e.Message}"));
        }
    }

    private static Outcome<T> TooLarge<T>(int maxBytes) where T : class =>
        new(null, ApiErrors.Create(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body may be at most {maxBytes} bytes."));
}
