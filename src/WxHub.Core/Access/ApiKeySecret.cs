using System.Security.Cryptography;
using System.Text;

namespace WxHub.Core.Access;

/// <summary>The wire form of API keys, <c>wxk_&lt;id&gt;_&lt;secret&gt;</c>, and the hash WxHub keeps of the secret.</summary>
public static class ApiKeySecret
{
    private const string Prefix = "wxk_";
    private const int IdBytes = 8;
    private const int SecretBytes = 32;

    public static (string Id, string Key, byte[] SecretHash) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>Where the id and the secret are in a presented key, without copying either (token reads call this every time).</summary>
    public static bool TryParse(ReadOnlySpan<char> presented, out Range id, out Range secret)
    {
        id = secret = default;
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var separator = presented[Prefix.Length..].IndexOf('_');
        if (separator != IdBytes * 2 || presented.Length <= Prefix.Length + separator + 1) return false;
        id = new Range(Prefix.Length, Prefix.Length + separator);
        secret = new Range(Prefix.Length + separator + 1, presented.Length);
        return true;
    }

    /// <summary>The secret is 256 random bits, so a plain SHA-256 is a sufficient, fast verifier.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <param name="verified">
    /// The UTF-8 secret that last matched <paramref name="expectedHash"/>, or null: compared first, in constant time,
    /// which costs less than hashing again (token reads present the same key over and over); set when the hash matches.
    /// </param>
    public static bool Matches(ReadOnlySpan<char> secret, byte[] expectedHash, ref byte[]? verified)
    {
        // A genuine secret is 43 characters; a longer presented one is encoded on the heap rather than the stack.
        const int StackLimit = 256;
        var length = Encoding.UTF8.GetMaxByteCount(secret.Length);
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        var utf8 = buffer[..Encoding.UTF8.GetBytes(secret, buffer)];
        if (Volatile.Read(ref verified) is { } remembered && CryptographicOperations.FixedTimeEquals(utf8, remembered)) return true;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, expectedHash)) return false;
        Volatile.Write(ref verified, utf8.ToArray());
        return true;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
