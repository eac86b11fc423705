using System.Security.Cryptography;
using System.Text;

namespace WxHub.Protocol.Signatures;

/// <summary>The SHA-1 building blocks shared by every WeChat signature scheme.</summary>
internal static class Sha1Hex
{
    private const int HexLength = SHA1.HashSizeInBytes * 2;

    /// <summary>Lowercase hex SHA-1 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Lowercase hex SHA-1 of the values sorted and concatenated without a separator. Sorting is by UTF-8 bytes,
    /// which is how WeChat's samples (PHP <c>sort</c>, Go <c>sort.Strings</c>) order them; UTF-16 ordinal order
    /// differs for characters beyond the BMP.
    /// </summary>
    public static string OfSortedConcatenation(IEnumerable<string?> values)
    {
        var encoded = new List<byte[]>();
        var total = 0;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            encoded.Add(bytes);
            total += bytes.Length;
        }
        encoded.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));

        var joined = new byte[total];
        var offset = 0;
        foreach (var bytes in encoded)
        {
            bytes.CopyTo(joined, offset);
            offset += bytes.Length;
        }
        return Convert.ToHexStringLower(SHA1.HashData(joined));
    }

    /// <summary>
    /// Compares a received hex signature with the expected one in constant time. Hex case is not significant;
    /// a missing or wrongly sized signature is simply unequal.
    /// </summary>
    public static bool FixedTimeEquals(string? received, string expected)
    {
        if (received is null || received.Length != HexLength)
        {
            return false;
        }
        Span<byte> actual = stackalloc byte[HexLength];
        for (var i = 0; i < HexLength; i++)
        {
            // Branching on the received value is fine: only the expected value is secret.
            var c = char.ToLowerInvariant(received[i]);
            actual[i] = c > 0x7F ? (byte)0 : (byte)c;
        }
        Span<byte> wanted = stackalloc byte[HexLength];
        Encoding.ASCII.GetBytes(expected, wanted);
        return CryptographicOperations.FixedTimeEquals(actual, wanted);
    }
}
