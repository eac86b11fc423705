using System.Text.Json;
using System.Xml;
using WxHub.Protocol.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// Mini Programs may choose JSON pushes, which carry the same fields as the XML ones. Rewriting them as WeChat XML lets
/// one safe parser and one set of typed messages serve both formats.
/// </summary>
internal static class JsonPush
{
    private const int MaxDepth = 16;

    /// <summary>Whether a body is JSON rather than XML: an object is the only JSON WeChat sends.</summary>
    public static bool Detect(string body) => body.AsSpan().TrimStart().StartsWith("{");

    /// <summary>The XML form of a JSON object (arrays become <c>item</c> elements, as in WeChat's XML), or null with the reason.</summary>
    public static string? ToXml(string json, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "The JSON body must be an object.";
                return null;
            }
            var xml = new WeChatXmlBuilder();
            WriteMembers(xml, document.RootElement);
            error = null;
            return xml.Build();
        }
        catch (JsonException e)
        {
            error = $"The body is not valid JSON: {e.Message}";
            return null;
        }
        catch (XmlException)
        {
            error = "A JSON member name is not a valid field name.";
            return null;
        }
    }

    private static void WriteMembers(WeChatXmlBuilder xml, JsonElement element)
    {
        foreach (var member in element.EnumerateObject()) Write(xml, member.Name, member.Value);
    }

    private static void Write(WeChatXmlBuilder xml, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                xml.Text(name, value.GetString());
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                xml.Bare(name, value.GetRawText());
                break;
            case JsonValueKind.Object:
                xml.Start(name);
                WriteMembers(xml, value);
                xml.End();
                break;
            case JsonValueKind.Array:
                xml.Start(name);
                foreach (var item in value.EnumerateArray()) Write(xml, "item", item);
                xml.End();
                break;
        }
    }
}
