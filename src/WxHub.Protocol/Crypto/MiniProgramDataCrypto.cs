using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WxHub.Protocol.Crypto;

public enum MiniProgramDataError
{
    None,

    /// <summary>The session_key is not the Base64 of 16 bytes.</summary>
    InvalidSessionKey,

    /// <summary>The iv is not the Base64 of 16 bytes.</summary>
    InvalidIv,

    InvalidBase64,
    InvalidCiphertextLength,

    /// <summary>The PKCS#7 padding is wrong: almost always a session_key that is not the one the data was encrypted with.</summary>
    InvalidPadding,

    /// <summary>The plaintext is not a JSON object.</summary>
    InvalidJson,

    /// <summary>The plaintext's <c>watermark.appid</c> is missing or names another app.</summary>
    WatermarkMismatch,
}

/// <summary>The outcome of <see cref="MiniProgramDataCrypto.Decrypt"/>: the decrypted JSON object, or why there is none.</summary>
public readonly record struct MiniProgramDataResult(MiniProgramDataError Error, string? Json, string? WatermarkAppid)
{
    public bool Succeeded => Error == MiniProgramDataError.None;
}

/// <summary>
/// Mini Program user data (<c>encryptedData</c> from <c>wx.getUserInfo</c>, <c>getPhoneNumber</c>, …): AES-128-CBC with
/// the Base64-decoded session_key as key and the given iv, PKCS#7 padding. The plaintext is a JSON object whose
/// <c>watermark.appid</c> names the Mini Program it was made for.
/// </summary>
public static class MiniProgramDataCrypto
{
    private const int KeySize = 16;
    private const int BlockSize = 16;

    /// <summary>Encrypts <paramref name="json"/> as WeChat does (tests and the emulator build data packets with it).</summary>
    /// <exception cref="FormatException">The session key or iv is not the Base64 of 16 bytes.</exception>
    public static string Encrypt(string sessionKey, string iv, string json)
    {
        var key = DecodeBlock(sessionKey) ?? throw new FormatException("The session_key must be the Base64 of 16 bytes.");
        var ivBytes = DecodeBlock(iv) ?? throw new FormatException("The iv must be the Base64 of 16 bytes.");
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(json), ivBytes, PaddingMode.PKCS7));
    }

    /// <summary>Decrypts and checks that the watermark names <paramref name="expectedAppid"/>. Never throws on bad input.</summary>
    public static MiniProgramDataResult Decrypt(string sessionKey, string encryptedData, string iv, string expectedAppid)
    {
        ArgumentNullException.ThrowIfNull(expectedAppid);
        if (DecodeBlock(sessionKey) is not { } key) return Failed(MiniProgramDataError.InvalidSessionKey);
        if (DecodeBlock(iv) is not { } ivBytes) return Failed(MiniProgramDataError.InvalidIv);
        if (string.IsNullOrEmpty(encryptedData)) return Failed(MiniProgramDataError.InvalidCiphertextLength);

        var cipher = new byte[encryptedData.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(encryptedData, cipher, out var written)) return Failed(MiniProgramDataError.InvalidBase64);
        if (written == 0 || written % BlockSize != 0) return Failed(MiniProgramDataError.InvalidCiphertextLength);

        byte[] plain;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            plain = aes.DecryptCbc(cipher.AsSpan(0, written), ivBytes, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return Failed(MiniProgramDataError.InvalidPadding);
        }

        string? watermarkAppid;
        try
        {
            using var document = JsonDocument.Parse(plain);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Failed(MiniProgramDataError.InvalidJson);
            watermarkAppid = document.RootElement.TryGetProperty("watermark", out var watermark)
                && watermark.ValueKind == JsonValueKind.Object
                && watermark.TryGetProperty("appid", out var appid)
                && appid.ValueKind == JsonValueKind.String
                    ? appid.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return Failed(MiniProgramDataError.InvalidJson);
        }

        return watermarkAppid == expectedAppid
            ? new MiniProgramDataResult(MiniProgramDataError.None, Encoding.UTF8.GetString(plain), watermarkAppid)
            : new MiniProgramDataResult(MiniProgramDataError.WatermarkMismatch, null, watermarkAppid);
    }

    private static MiniProgramDataResult Failed(MiniProgramDataError error) => new(error, null, null);

    private static byte[]? DecodeBlock(string? base64)
    {
        if (string.IsNullOrEmpty(base64)) return null;
        var buffer = new byte[KeySize + 3];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written == KeySize ? buffer[..KeySize] : null;
    }
}
