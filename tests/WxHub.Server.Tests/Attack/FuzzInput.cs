using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace WxHub.Server.Tests.Attack;

/// <summary>
/// Seeded hostile input: the same seed gives the same sequence, so a failing request can be made again. Strings mix
/// empty, huge, control characters, non-BMP and right-to-left text, injection and traversal attempts and numbers out of
/// range; JSON and XML bodies are either plausible (known fields with wrong, odd or right values) or broken.
/// </summary>
internal sealed class FuzzInput(int seed)
{
    private static readonly string[] Hostile =
    [
        "' OR '1'='1", "\"; DROP TABLE apps; --", "../../../../etc/passwd", "..%2F..%2Fv1%2Fadmin", "%00", "%2e%2e%2f", "%",
        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1:9/a}", "{{7*7}}", "\\u0000", "null", "undefined", "NaN", "-1", "0",
        "9223372036854775808", "-9223372036854775809", "1e309", "wxk_", "wxa_", "*", "component:", "component:*", "https://evil.example/",
        "javascript:alert(1)", "http://127.0.0.1:9/", "//evil.example", "\r\nSet-Cookie: a=b", "$APPID$", "gh_", "true", "[]", "{}",
    ];

    private static readonly string[] Words = ["text", "event", "subscribe", "SCAN", "CLICK", "image", "authorized", "unauthorized", "updateauthorized", "component_verify_ticket", "snsapi_base", "snsapi_userinfo", "snsapi_login", "aes", "raw", "sync", "async", "official_account", "mini_program", "website", "jsapi", "wx_card", "classic", "stable"];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A hostile string: anything a query value, path segment or JSON string could carry.</summary>
    public string Text() => _random.Next(10) switch
    {
        0 => "",
        1 => Ascii(1 + Next(40)),
        2 => new string("ax0%"[Next(4)], 1000 + Next(20_000)),
        3 => string.Concat(Enumerable.Range(0, 1 + Next(8)).Select(_ => Pick(["微信", "\U0001F600", "\u202E", "\uFFFD", "é", "\u0301", "ß", "\u200B"]))),
        4 => string.Concat(Enumerable.Range(0, 1 + Next(8)).Select(_ => (char)Next(32))),
        5 or 6 => Pick(Hostile),
        7 => (Chance(0.5) ? -1 : 1) * _random.NextInt64() + "",
        8 => Pick(Words),
        _ => Ascii(Next(8)) + Pick(Hostile) + Ascii(Next(8)),
    };

    public string Ascii(int length) => new(Enumerable.Range(0, length).Select(_ => (char)(32 + Next(95))).ToArray());

    public string Number() => Pick([Next(1000).ToString(CultureInfo.InvariantCulture), "-1", "0", "99999999999999999999", "1.5", "abc", ""]);

    /// <summary>A query string of some of <paramref name="names"/> (and a stranger), each with a hostile or a chosen value.</summary>
    public string Query(IReadOnlyList<string> names, Func<string, string?>? plausible = null)
    {
        var pairs = names.Where(_ => Chance(0.7)).Select(name => (name, plausible?.Invoke(name) is { } value && Chance(0.5) ? value : Text())).ToList();
        if (Chance(0.2)) pairs.Add((Text(), Text()));
        if (Chance(0.1) && pairs.Count > 0) pairs.Add(pairs[0]);
        return string.Join('&', pairs.Select(p => Chance(0.05) ? p.Item1 : $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
    }

    /// <summary>A JSON body: an object of some of <paramref name="fields"/> with values of any type, or broken JSON.</summary>
    public string Json(IReadOnlyList<string> fields, Func<string, JsonNode?>? plausible = null)
    {
        if (Chance(0.2)) return BrokenJson();
        var body = new JsonObject();
        foreach (var field in fields.Where(_ => Chance(0.75)))
            body[field] = plausible?.Invoke(field) is { } value && Chance(0.5) ? value : Value(2);
        if (Chance(0.2)) body[Text()] = Value(2);
        return body.ToJsonString();
    }

    public JsonNode? Value(int depth) => Next(depth > 0 ? 8 : 5) switch
    {
        0 => null,
        1 => JsonValue.Create(Chance(0.5)),
        2 => JsonValue.Create(Chance(0.5) ? _random.NextInt64() * (Chance(0.5) ? -1 : 1) : _random.NextDouble() * 1e300),
        3 or 4 => JsonValue.Create(Text()),
        5 or 6 => new JsonArray(Enumerable.Range(0, Next(4)).Select(_ => Value(depth - 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, Next(4)).Select(_ => KeyValuePair.Create(Ascii(1 + Next(6)) + Next(1000), Value(depth - 1)))),
    };

    private string BrokenJson() => Next(9) switch
    {
        0 => "",
        1 => Pick(["{", "[", "\"", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "nul", "tru", "{\"a\" 1}", "\u0000", "\uFEFF{}"]),
        2 => new string('[', 5000) + new string(']', 5000),
        3 => string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000),
        4 => "{\"a\":\"" + new string('x', 100_000) + "\"}",
        5 => Pick(["null", "[]", "1", "\"text\"", "true"]),
        6 => "{\"a\":1}" + Text(),
        7 => Text(),
        _ => Encoding.Latin1.GetString(Bytes(1 + Next(200))),
    };

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>An XML body: a WeChat push or platform notification with odd, missing or extra fields, or broken or hostile XML.</summary>
    public string Xml()
    {
        if (Chance(0.3)) return BrokenXml();
        var fields = new List<(string, string)>
        {
            ("ToUserName", Text()), ("FromUserName", Text()), ("CreateTime", Number()),
            ("MsgType", Pick(["text", "image", "voice", "video", "shortvideo", "location", "link", "event", "miniprogrampage", Text()])),
            ("Event", Pick(["subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "TEMPLATESENDJOBFINISH", Text()])),
            ("EventKey", Text()), ("Content", Text()), ("MsgId", Number()), ("PicUrl", Text()), ("MediaId", Text()),
            ("Location_X", Number()), ("Location_Y", Number()), ("Scale", Number()), ("Latitude", Number()),
            ("AppId", Text()), ("InfoType", Pick(["component_verify_ticket", "authorized", "unauthorized", "updateauthorized", Text()])),
            ("ComponentVerifyTicket", Text()), ("AuthorizerAppid", Text()), ("AuthorizationCode", Text()),
            ("AuthorizationCodeExpiredTime", Number()), ("PreAuthCode", Text()), ("Encrypt", Text()),
        };
        var xml = new StringBuilder("<xml>");
        foreach (var (name, value) in fields.Where(_ => Chance(0.6)))
            xml.Append('<').Append(name).Append('>').Append(Chance(0.3) ? $"<![CDATA[{value.Replace("]]>", "")}]]>" : SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        return xml.Append("</xml>").ToString();
    }

    private string BrokenXml() => Next(10) switch
    {
        0 => "",
        1 => "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"" + new string('a', 1000) + "\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><xml><Content>&b;</Content></xml>",
        2 => "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><MsgType>text</MsgType><Content>&e;</Content></xml>",
        3 => string.Concat(Enumerable.Repeat("<a>", 20_000)) + string.Concat(Enumerable.Repeat("</a>", 20_000)),
        4 => "<xml><MsgType>text</MsgType><Content>" + Text() + "</Conte",
        5 => "<xml xmlns:x=\"urn:x\"><x:MsgType a=\"1\" a=\"2\">text</x:MsgType><?pi x?><!-- c --></xml>",
        6 => "\uFEFF<xml><MsgType>\u0001</MsgType></xml>",
        7 => "{\"ToUserName\":\"gh\",\"MsgType\":" + (Chance(0.5) ? "\"text\"" : "{}") + ",\"CreateTime\":" + Number() + "}",
        8 => "<xml>" + new string('x', 200_000) + "</xml>",
        _ => Encoding.Latin1.GetString(Bytes(1 + Next(300))),
    };
}
