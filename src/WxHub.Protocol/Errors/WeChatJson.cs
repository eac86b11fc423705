using System.Globalization;
using System.Text.Json;

namespace WxHub.Protocol.Errors;

/// <summary>Reading WeChat's JSON responses the tolerant way its SDKs do.</summary>
public static class WeChatJson
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The status of a response body. <c>errcode</c> may be a number or a numeric string (one official example sends
    /// <c>"40029"</c>); an absent or null errcode is success, as on the token endpoints. A body that is not a JSON
    /// object, or an errcode that is not an integer, gives <see cref="WeChatErrorCodes.MalformedResponse"/>.
    /// Only the top level is read; other properties are skipped.
    /// </summary>
    public static WeChatStatus ReadStatus(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed("The response is not a JSON object.");
            }
            var code = WeChatErrorCodes.Ok;
            string? message = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCode = reader.ValueTextEquals("errcode"u8);
                var isMessage = reader.ValueTextEquals("errmsg"u8);
                reader.Read();
                if (isCode)
                {
                    if (ReadCode(ref reader) is not { } parsed)
                    {
                        return Malformed("The response's errcode is not an integer.");
                    }
                    code = parsed;
                }
                else if (isMessage && reader.TokenType == JsonTokenType.String)
                {
                    message = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            // Reaching the end proves the object is complete and the whole body is valid JSON.
            while (reader.Read())
            {
            }
            return new WeChatStatus(code, message);
        }
        catch (JsonException)
        {
            return Malformed("The response is not valid JSON.");
        }
    }

    private static int? ReadCode(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => WeChatErrorCodes.Ok,
        JsonTokenType.Number => reader.TryGetInt32(out var number) ? number : null,
        JsonTokenType.String => int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null,
        _ => null,
    };

    private static WeChatStatus Malformed(string message) => new(WeChatErrorCodes.MalformedResponse, message);
}
