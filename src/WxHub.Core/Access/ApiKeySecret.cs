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

    public static bool TryParse(string? presented, out string id, out string secret)
    {
        id = secret = "";
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != IdBytes * 2 || rest.Length <= separator + 1) return false;
        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    /// <summary>The secret is 256 random bits, so a plain SHA-256 is a sufficient, fast verifier.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), expectedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
