using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace WxHub.Emulator.Api;

/// <summary>One call to a WeChat path: its query, its body (read up front), the access point it came through and the app it acts for.</summary>
internal sealed class ApiCall(HttpContext http, string accessPoint, byte[] body)
{
    public const int MaxBodyBytes = 1 << 20;

    public HttpContext Http { get; } = http;
    public string AccessPoint { get; } = accessPoint;
    public byte[] Body { get; } = body;

    /// <summary>The app whose credential the call carries (see <see cref="ApiPipeline"/>), for stats and faults.</summary>
    public string? AppId { get; set; }

    public string Path => Http.Request.Path.Value ?? "/";

    public bool IsPost => HttpMethods.IsPost(Http.Request.Method);

    public IPAddress RemoteIp => Http.Connection.RemoteIpAddress ?? IPAddress.Loopback;

    /// <summary>A query parameter; WeChat treats an empty one as missing.</summary>
    public string? Query(string name)
    {
        var value = Http.Request.Query[name];
        return value.Count > 0 && !string.IsNullOrEmpty(value[0]) ? value[0] : null;
    }

    /// <summary>The JSON body, or 47001 (data format error) when it is missing or not the expected shape.</summary>
    public T ReadJson<T>(JsonTypeInfo<T> type) where T : class
    {
        if (Body.Length == 0) throw new WeChatError(WeChatErrors.DataFormatError, "data format error, the request body is empty");
        try
        {
            return JsonSerializer.Deserialize(Body, type) ?? throw new WeChatError(WeChatErrors.DataFormatError);
        }
        catch (JsonException e)
        {
            throw new WeChatError(WeChatErrors.DataFormatError, $"data format error hint: {e.Message}");
        }
    }

    /// <summary>The JSON body as an object, or 47001 when it is not one.</summary>
    public JsonElement ReadJsonObject()
    {
        try
        {
            var root = JsonDocument.Parse(Body).RootElement;
            return root.ValueKind == JsonValueKind.Object ? root : throw new WeChatError(WeChatErrors.DataFormatError, "data format error, the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new WeChatError(WeChatErrors.DataFormatError, $"data format error hint: {e.Message}");
        }
    }

    /// <summary>The JSON body when there is one; null when the body is empty.</summary>
    public T? ReadOptionalJson<T>(JsonTypeInfo<T> type) where T : class => Body.Length == 0 ? null : ReadJson(type);

    public static ApiCall Of(HttpContext http) => (ApiCall)http.Items[typeof(ApiCall)]!;
}
