using System.Globalization;

namespace WxHub.Protocol.Messages;

/// <summary>
/// Typed access to the fields of one parsed document. Required fields that are absent or empty, and required numbers
/// that do not parse, end the parse with a typed error; optional ones read as null.
/// </summary>
internal sealed class XmlFields
{
    private XmlFields(IReadOnlyDictionary<string, string> values, string rawXml)
    {
        Values = values;
        RawXml = rawXml;
    }

    public IReadOnlyDictionary<string, string> Values { get; }

    public string RawXml { get; }

    /// <summary>Reads <paramref name="xml"/> safely and builds a value from its fields; never throws on bad input.</summary>
    public static XmlParseResult<T> Parse<T>(string xml, int maxBytes, Func<XmlFields, T> create)
    {
        var read = WeChatXml.ReadFields(xml, maxBytes);
        if (!read.Succeeded)
        {
            return XmlParseResult<T>.Failure(read.Error, read.Detail!);
        }
        try
        {
            return XmlParseResult<T>.Success(create(new XmlFields(read.Value, xml)));
        }
        catch (XmlContentException e)
        {
            return XmlParseResult<T>.Failure(e.Kind, e.Message);
        }
    }

    public string Required(string name) =>
        Values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new XmlContentException(XmlErrorKind.MissingField, $"The element <{name}> is missing or empty.");

    public string? Optional(string name) => Values.GetValueOrDefault(name);

    /// <summary>The text of an element whose absence WeChat would never intend, read as empty rather than refused.</summary>
    public string Text(string name) => Values.GetValueOrDefault(name, "");

    public T RequiredNumber<T>(string name) where T : struct, IParsable<T> =>
        T.TryParse(Required(name), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new XmlContentException(XmlErrorKind.Malformed, $"The element <{name}> must be a number.");

    public T? OptionalNumber<T>(string name) where T : struct, IParsable<T> =>
        T.TryParse(Optional(name), CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The values of a repeated element: <c>{prefix}/{item}/{suffix}</c>, <c>{prefix}/{item}[2]/{suffix}</c>, …</summary>
    public IReadOnlyList<string> Repeated(string prefix, string item, string suffix)
    {
        var values = new List<string>();
        for (var n = 1; Values.TryGetValue(n == 1 ? $"{prefix}/{item}/{suffix}" : $"{prefix}/{item}[{n}]/{suffix}", out var value); n++)
        {
            values.Add(value);
        }
        return values;
    }
}

/// <summary>Ends a parse from inside a record's construction; caught by <see cref="XmlFields.Parse{T}"/>, never escapes.</summary>
internal sealed class XmlContentException(XmlErrorKind kind, string message) : Exception(message)
{
    public XmlErrorKind Kind { get; } = kind;
}
