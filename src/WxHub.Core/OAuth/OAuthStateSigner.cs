using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Secrets;

namespace WxHub.Core.OAuth;

public enum StateCheck { Valid, Forged, Expired }

/// <summary>
/// The <c>state</c> WxHub sends through WeChat: <c>nonce(32 hex) ‖ expiry(10 digits, Unix seconds) ‖ mac(32 hex)</c>,
/// 74 characters of [0-9a-f], within WeChat's limit of 128 alphanumerics. The MAC (HMAC-SHA256, truncated to 128 bits,
/// under a key derived from the master key) binds nonce, expiry and appid, so a forged or altered state is refused
/// before any lookup; single use is the store's job.
/// </summary>
public sealed class OAuthStateSigner(SecretProtector protector)
{
    public const int Length = NonceLength + ExpiryLength + MacLength;

    private const int NonceLength = 32;
    private const int ExpiryLength = 10;
    private const int MacLength = 32;

    private readonly byte[] _key = protector.DeriveKey("wxhub/oauth-state/v1");

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(NonceLength / 2));

    public string Sign(string nonce, string appid, DateTimeOffset expiresAt)
    {
        if (nonce.Length != NonceLength || !IsLowerHex(nonce)) throw new ArgumentException($"A nonce is {NonceLength} lowercase hex characters.", nameof(nonce));
        var expiry = expiresAt.ToUnixTimeSeconds().ToString("D" + ExpiryLength, CultureInfo.InvariantCulture);
        return nonce + expiry + Mac(nonce, expiry, appid);
    }

    /// <summary>Checks the state's form, MAC and expiry; on <see cref="StateCheck.Valid"/>, <paramref name="nonce"/> is its nonce.</summary>
    public StateCheck Check(string? state, string appid, DateTimeOffset now, out string nonce)
    {
        nonce = "";
        if (state is null || state.Length != Length || !IsLowerHex(state)) return StateCheck.Forged;

        var candidate = state[..NonceLength];
        var expiry = state.Substring(NonceLength, ExpiryLength);
        var expected = Encoding.ASCII.GetBytes(Mac(candidate, expiry, appid));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(state[(NonceLength + ExpiryLength)..])))
            return StateCheck.Forged;
        if (long.Parse(expiry, CultureInfo.InvariantCulture) <= now.ToUnixTimeSeconds()) return StateCheck.Expired;

        nonce = candidate;
        return StateCheck.Valid;
    }

    private string Mac(string nonce, string expiry, string appid)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{nonce}|{expiry}|{appid}"));
        return Convert.ToHexStringLower(mac.AsSpan(0, MacLength / 2));
    }

    private static bool IsLowerHex(string value) => !value.AsSpan().ContainsAnyExcept("0123456789abcdef");
}
