using System.Globalization;
using System.Text;
using System.Xml;

namespace WxHub.Protocol.Messages;

/// <summary>
/// Writes a WeChat <c>&lt;xml&gt;</c> document the way WeChat does: strings in CDATA, numbers bare, no whitespace.
/// Any text is safe to write: <c>]]&gt;</c> and carriage returns are split out of CDATA so they survive parsing,
/// and characters XML cannot carry become U+FFFD.
/// </summary>
public sealed class WeChatXmlBuilder
{
    private const string Root = "xml";
    private const char Replacement = '\uFFFD';

    private readonly StringBuilder _xml = new($"<{Root}>");
    private readonly Stack<string> _open = new();

    /// <summary>Writes <c>&lt;name&gt;&lt;![CDATA[value]]&gt;&lt;/name&gt;</c>; a null value writes nothing.</summary>
    public WeChatXmlBuilder Text(string name, string? value)
    {
        if (value is not null)
        {
            StartTag(name);
            _xml.Append("<![CDATA[");
            AppendContent(value, inCData: true);
            _xml.Append("]]>");
            EndTag(name);
        }
        return this;
    }

    /// <summary>Writes <c>&lt;name&gt;value&lt;/name&gt;</c> with the value bare (escaped), as WeChat writes numbers.</summary>
    public WeChatXmlBuilder Bare(string name, string value)
    {
        StartTag(name);
        AppendContent(value, inCData: false);
        EndTag(name);
        return this;
    }

    /// <summary>Writes a bare integer.</summary>
    public WeChatXmlBuilder Number(string name, long value) => Bare(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Opens a container element; close it with <see cref="End"/>.</summary>
    public WeChatXmlBuilder Start(string name)
    {
        StartTag(name);
        _open.Push(name);
        return this;
    }

    /// <summary>Closes the innermost open container element.</summary>
    public WeChatXmlBuilder End()
    {
        EndTag(_open.Pop());
        return this;
    }

    /// <summary>The finished document.</summary>
    /// <exception cref="InvalidOperationException">A container element is still open.</exception>
    public string Build() => _open.Count == 0
        ? $"{_xml}</{Root}>"
        : throw new InvalidOperationException($"The element <{_open.Peek()}> was started but not ended.");

    private void StartTag(string name) => _xml.Append('<').Append(XmlConvert.VerifyNCName(name)).Append('>');

    private void EndTag(string name) => _xml.Append("</").Append(name).Append('>');

    private void AppendContent(string value, bool inCData)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                _xml.Append(c).Append(value[++i]);
            }
            else if (c == '\r')
            {
                // A raw CR would be normalised away by any parser; a character reference keeps it.
                _xml.Append(inCData ? "]]>&#xD;<![CDATA[" : "&#xD;");
            }
            else if (!XmlConvert.IsXmlChar(c))
            {
                _xml.Append(Replacement);
            }
            else if (inCData && c == '>' && i >= 2 && value[i - 1] == ']' && value[i - 2] == ']')
            {
                // "]]>" would end the section: end it after "]]" and start a new one for the ">".
                _xml.Append("]]><![CDATA[>");
            }
            else if (!inCData && c is '&' or '<' or '>')
            {
                _xml.Append(c switch { '&' => "&amp;", '<' => "&lt;", _ => "&gt;" });
            }
            else
            {
                _xml.Append(c);
            }
        }
    }
}
