using System.Security.Cryptography;
using System.Text;

namespace WxHub.Core.Secrets;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM under the master key. Each value is bound to where it is stored
/// (its associated data, e.g. <c>app/wx123/secret</c>), so a ciphertext copied into another row does not decrypt.
/// Layout: version (1) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    public SecretProtector(ReadOnlySpan<byte> masterKey)
    {
        if (masterKey.Length != MasterKey.Size)
            throw new ArgumentException($"The master key must be {MasterKey.Size} bytes.", nameof(masterKey));
        _key = masterKey.ToArray();
    }

    public byte[] Protect(string plaintext, string associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[HeaderSize + plain.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        return blob;
    }

    /// <summary>
    /// A key for another purpose (e.g. signing OAuth states), derived from the master key with HKDF-SHA256, so every
    /// instance that shares the master key derives the same one and nothing else needs to be kept.
    /// </summary>
    public byte[] DeriveKey(string purpose, int length = 32) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, length, info: Encoding.UTF8.GetBytes(purpose));

    /// <exception cref="CryptographicException">The blob was not made by this key for this place (wrong master key or tampering).</exception>
    public string Unprotect(byte[] blob, string associatedData)
    {
        if (blob.Length < HeaderSize || blob[0] != Version)
            throw new CryptographicException("The stored secret is not in a format this WxHub understands.");
        var plain = new byte[blob.Length - HeaderSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }
}
