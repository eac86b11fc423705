using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WxHub.Protocol.Crypto;

/// <summary>
/// WeChat's message encryption (WXBizMsgCrypt): AES-256-CBC with IV = first 16 key bytes over
/// <c>random(16) ‖ uint32-BE(len) ‖ message ‖ receiverId</c>, PKCS#7-padded to a multiple of 32 bytes, Base64-encoded.
/// The receiver id is the AppID (official account, mini program), the component AppID (third-party platform) or the CorpID.
/// </summary>
public static class MessageCrypto
{
    /// <summary>The length of the random prefix.</summary>
    public const int RandomPrefixLength = 16;

    private const int LengthFieldSize = 4;
    private const int HeaderSize = RandomPrefixLength + LengthFieldSize;
    private const int PaddingBlockSize = 32;
    private const int AesBlockSize = 16;

    /// <summary>Encrypts with a fresh random prefix.</summary>
    public static string Encrypt(EncodingAesKey key, string receiverId, string message)
    {
        Span<byte> random = stackalloc byte[RandomPrefixLength];
        RandomNumberGenerator.Fill(random);
        return Encrypt(key, receiverId, message, random);
    }

    /// <summary>Encrypts with the given 16-byte prefix (deterministic, for test vectors).</summary>
    public static string Encrypt(EncodingAesKey key, string receiverId, string message, ReadOnlySpan<byte> random16)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(receiverId);
        ArgumentNullException.ThrowIfNull(message);
        if (random16.Length != RandomPrefixLength)
        {
            throw new ArgumentException($"The random prefix must be {RandomPrefixLength} bytes.", nameof(random16));
        }

        var messageLength = Encoding.UTF8.GetByteCount(message);
        var contentLength = HeaderSize + messageLength + Encoding.UTF8.GetByteCount(receiverId);
        var pad = PaddingBlockSize - contentLength % PaddingBlockSize;
        var plain = new byte[contentLength + pad];

        random16.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(RandomPrefixLength), (uint)messageLength);
        Encoding.UTF8.GetBytes(message, plain.AsSpan(HeaderSize));
        Encoding.UTF8.GetBytes(receiverId, plain.AsSpan(HeaderSize + messageLength));
        plain.AsSpan(contentLength).Fill((byte)pad);

        using var aes = CreateAes(key);
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.Iv, PaddingMode.None));
    }

    /// <summary>
    /// Decrypts an <c>Encrypt</c> value and checks padding, length and receiver id. When it fails with
    /// <paramref name="current"/> and a <paramref name="previous"/> key is given (WeChat's advice while rotating the
    /// EncodingAESKey), it tries that one too. Never throws on bad input; the error of the current key is reported.
    /// </summary>
    public static DecryptResult Decrypt(string encrypt, string expectedReceiverId, EncodingAesKey current, EncodingAesKey? previous = null)
    {
        ArgumentNullException.ThrowIfNull(expectedReceiverId);
        ArgumentNullException.ThrowIfNull(current);

        if (string.IsNullOrEmpty(encrypt))
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidCiphertextLength);
        }
        var cipher = new byte[encrypt.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(encrypt, cipher, out var written))
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidBase64);
        }
        if (written < PaddingBlockSize || written % AesBlockSize != 0)
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidCiphertextLength);
        }
        var ciphertext = cipher.AsSpan(0, written);

        var result = DecryptWith(current, ciphertext, expectedReceiverId);
        if (result.Succeeded || previous is null)
        {
            return result;
        }
        var fallback = DecryptWith(previous, ciphertext, expectedReceiverId);
        return fallback.Succeeded ? fallback with { UsedPreviousKey = true } : result;
    }

    private static DecryptResult DecryptWith(EncodingAesKey key, ReadOnlySpan<byte> cipher, string expectedReceiverId)
    {
        byte[] plain;
        try
        {
            using var aes = CreateAes(key);
            plain = aes.DecryptCbc(cipher, key.Iv, PaddingMode.None);
        }
        catch (CryptographicException)
        {
            return DecryptResult.Failed(MessageCryptoError.DecryptionFailed);
        }

        // Padding is checked strictly (every pad byte), which catches a wrong key far more often than WeChat's samples do.
        int pad = plain[^1];
        if (pad is < 1 or > PaddingBlockSize || plain.AsSpan(plain.Length - pad).ContainsAnyExcept((byte)pad))
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidPadding);
        }
        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < HeaderSize)
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidLength);
        }
        var messageLength = BinaryPrimitives.ReadUInt32BigEndian(content[RandomPrefixLength..]);
        if (messageLength > (uint)(content.Length - HeaderSize))
        {
            return DecryptResult.Failed(MessageCryptoError.InvalidLength);
        }

        var message = content.Slice(HeaderSize, (int)messageLength);
        var receiver = content[(HeaderSize + (int)messageLength)..];
        var receiverId = Encoding.UTF8.GetString(receiver);
        if (!receiver.SequenceEqual(Encoding.UTF8.GetBytes(expectedReceiverId)))
        {
            return DecryptResult.Failed(MessageCryptoError.ReceiverIdMismatch, receiverId);
        }
        return new DecryptResult(MessageCryptoError.None, Encoding.UTF8.GetString(message), receiverId, false);
    }

    private static Aes CreateAes(EncodingAesKey key)
    {
        var aes = Aes.Create();
        aes.Key = key.Key;
        return aes;
    }
}
