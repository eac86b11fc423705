using System.Xml;

namespace WxHub.Protocol.Messages;

/// <summary>
/// Safe reading of WeChat's flat <c>&lt;xml&gt;</c> documents. DTDs are refused (so no entity expansion or external
/// fetch can happen), the size is checked before parsing, and every failure is a typed <see cref="XmlErrorKind"/>.
/// </summary>
public static class WeChatXml
{
    /// <summary>The default size limit: 1 MiB of UTF-8, far above any real WeChat push.</summary>
    public const int DefaultMaxBytes = 1 << 20;

    private const int MaxDepth = 16;

    /// <summary>
    /// Reads every leaf element below the root into a dictionary. Nested elements are keyed by their path
    /// (<c>ScanCodeInfo/ScanType</c>); repeated siblings after the first get an XPath-style index
    /// (<c>PicList/item[2]/PicMd5Sum</c>). Values are the element's text with CDATA unwrapped, unchanged otherwise.
    /// </summary>
    public static XmlParseResult<IReadOnlyDictionary<string, string>> ReadFields(string? xml, int maxBytes = DefaultMaxBytes)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return XmlParseResult<IReadOnlyDictionary<string, string>>.Failure(XmlErrorKind.Malformed, "The body is empty; WeChat sends an <xml> document.");
        }
        // Each char is at least one UTF-8 byte, so the cheap length test rejects huge bodies without counting them.
        if (xml.Length > maxBytes || System.Text.Encoding.UTF8.GetByteCount(xml) > maxBytes)
        {
            return XmlParseResult<IReadOnlyDictionary<string, string>>.Failure(XmlErrorKind.TooLarge, $"The XML body is larger than {maxBytes} bytes.");
        }

        try
        {
            return XmlParseResult<IReadOnlyDictionary<string, string>>.Success(ReadLeaves(xml, maxBytes));
        }
        catch (XmlException e) when (xml.Contains("<!DOCTYPE", StringComparison.Ordinal))
        {
            return XmlParseResult<IReadOnlyDictionary<string, string>>.Failure(XmlErrorKind.DtdProhibited, $"DTDs are not accepted: {e.Message}");
        }
        catch (XmlException e)
        {
            return XmlParseResult<IReadOnlyDictionary<string, string>>.Failure(XmlErrorKind.Malformed, $"The body is not well-formed XML: {e.Message}");
        }
    }

    private static Dictionary<string, string> ReadLeaves(string xml, int maxBytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxBytes,
            MaxCharactersFromEntities = maxBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = new Stack<OpenElement>();
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when open.Count == 0:
                    if (!reader.IsEmptyElement)
                    {
                        open.Push(new OpenElement(""));
                    }
                    break;
                case XmlNodeType.Element:
                    var path = open.Peek().ChildPath(reader.LocalName);
                    if (reader.IsEmptyElement)
                    {
                        fields[path] = "";
                    }
                    else if (open.Count >= MaxDepth)
                    {
                        throw new XmlException($"Elements are nested more than {MaxDepth} deep.");
                    }
                    else
                    {
                        open.Push(new OpenElement(path));
                    }
                    break;
                // Whitespace outside the root (after an XML declaration, say) belongs to no field.
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when open.Count > 0:
                    open.Peek().Text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    var element = open.Pop();
                    if (open.Count > 0 && !element.HasChildren)
                    {
                        fields[element.Path] = element.Text.ToString();
                    }
                    break;
            }
        }
        return fields;
    }

    private sealed class OpenElement(string path)
    {
        private Dictionary<string, int>? _childCounts;

        public string Path { get; } = path;

        public System.Text.StringBuilder Text { get; } = new();

        public bool HasChildren => _childCounts is not null;

        public string ChildPath(string name)
        {
            _childCounts ??= new Dictionary<string, int>(StringComparer.Ordinal);
            var count = _childCounts[name] = _childCounts.GetValueOrDefault(name) + 1;
            var segment = count == 1 ? name : $"{name}[{count}]";
            return Path.Length == 0 ? segment : $"{Path}/{segment}";
        }
    }
}
