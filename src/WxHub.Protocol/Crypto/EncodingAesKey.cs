using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WxHub.Protocol.Crypto;

/// <summary>
/// A WeChat EncodingAESKey: 43 characters from <c>[A-Za-z0-9]</c> that Base64-decode (with one <c>=</c> appended)
/// to the 32-byte AES-256 key. The IV is the first 16 bytes of the key.
/// </summary>
public sealed class EncodingAesKey
{
    /// <summary>The number of characters in an EncodingAESKey.</summary>
    public const int Length = 43;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create(Alphabet);
    private const int IvSize = 16;

    private readonly byte[] _key;

    private EncodingAesKey(string value, byte[] key)
    {
        Value = value;
        _key = key;
    }

    /// <summary>The key as configured in the WeChat console. A secret: never log it.</summary>
    public string Value { get; }

    internal byte[] Key => _key;

    internal ReadOnlySpan<byte> Iv => _key.AsSpan(0, IvSize);

    /// <summary>Parses a configured key.</summary>
    /// <exception cref="FormatException">The value is not 43 characters from A-Z, a-z and 0-9.</exception>
    public static EncodingAesKey Parse(string value) =>
        TryParse(value, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>Parses a configured key; on failure <paramref name="error"/> says what is wrong without quoting the key.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EncodingAesKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        error = Validate(value);
        if (error is not null)
        {
            return false;
        }

        // .NET ignores the two unused low bits of the 43rd character, as WeChat's samples do.
        var bytes = Convert.FromBase64String(value + "=");
        key = new EncodingAesKey(value!, bytes);
        return true;
    }

    /// <summary>A new random key (for tests and the emulator; real keys come from the WeChat console).</summary>
    public static EncodingAesKey Generate() => Parse(RandomNumberGenerator.GetString(Alphabet, Length));

    /// <summary>Does not reveal the key.</summary>
    public override string ToString() => "EncodingAesKey(***)";

    private static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "The EncodingAESKey is empty; copy the 43-character key from the WeChat console.";
        }
        if (value.Length != Length)
        {
            return $"The EncodingAESKey has {value.Length} characters but must have exactly {Length} " +
                   "(letters A-Z, a-z and digits 0-9); copy it again from the WeChat console.";
        }
        var bad = value.AsSpan().IndexOfAnyExcept(AlphabetChars);
        if (bad >= 0)
        {
            return $"The EncodingAESKey has a character other than A-Z, a-z or 0-9 at position {bad + 1}; " +
                   "copy it again from the WeChat console.";
        }
        return null;
    }
}
