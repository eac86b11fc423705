namespace WxHub.Protocol.Crypto;

/// <summary>Why an <c>Encrypt</c> value could not be opened.</summary>
public enum MessageCryptoError
{
    /// <summary>Decrypted and checked.</summary>
    None,

    /// <summary>The value is not Base64.</summary>
    InvalidBase64,

    /// <summary>The ciphertext is empty, too short, or not a whole number of AES blocks.</summary>
    InvalidCiphertextLength,

    /// <summary>The AES primitive refused the input.</summary>
    DecryptionFailed,

    /// <summary>The PKCS#7 padding (block size 32) is wrong: most often a wrong EncodingAESKey.</summary>
    InvalidPadding,

    /// <summary>The 4-byte message length does not fit the plaintext: most often a wrong EncodingAESKey.</summary>
    InvalidLength,

    /// <summary>The message decrypted but was addressed to another AppID / component AppID / CorpID.</summary>
    ReceiverIdMismatch,
}
