using System.Diagnostics.CodeAnalysis;

namespace WxHub.Protocol.Messages;

/// <summary>A parsed value, or the reason there is none (<see cref="Detail"/> is meant for logs and operators).</summary>
public sealed record XmlParseResult<T>(T? Value, XmlErrorKind Error, string? Detail)
{
    /// <summary>True when <see cref="Value"/> holds the parsed value.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool Succeeded => Error == XmlErrorKind.None;

    internal static XmlParseResult<T> Success(T value) => new(value, XmlErrorKind.None, null);

    internal static XmlParseResult<T> Failure(XmlErrorKind error, string detail) => new(default, error, detail);
}
