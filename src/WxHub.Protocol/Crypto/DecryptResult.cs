namespace WxHub.Protocol.Crypto;

/// <summary>
/// The outcome of <see cref="MessageCrypto.Decrypt"/>. On success <see cref="Message"/> is the plaintext; on
/// <see cref="MessageCryptoError.ReceiverIdMismatch"/> <see cref="ReceiverId"/> names the receiver actually found.
/// </summary>
public readonly record struct DecryptResult(MessageCryptoError Error, string? Message, string? ReceiverId, bool UsedPreviousKey)
{
    /// <summary>True when the message decrypted and every check passed.</summary>
    public bool Succeeded => Error == MessageCryptoError.None;

    internal static DecryptResult Failed(MessageCryptoError error, string? receiverId = null) => new(error, null, receiverId, false);
}
