namespace WxHub.Protocol.Messages;

/// <summary>Why a WeChat XML document was not accepted.</summary>
public enum XmlErrorKind
{
    /// <summary>Parsed.</summary>
    None,

    /// <summary>The document is larger than the allowed number of UTF-8 bytes.</summary>
    TooLarge,

    /// <summary>Empty, not XML, nested too deeply, or a field that must be a number is not one.</summary>
    Malformed,

    /// <summary>The document has a DTD (refused so that no entity can be expanded or fetched).</summary>
    DtdProhibited,

    /// <summary>A required element is absent or empty.</summary>
    MissingField,

    /// <summary>An encrypted envelope's <c>MsgSignature</c> does not match.</summary>
    InvalidSignature,

    /// <summary>An encrypted envelope's <c>Encrypt</c> did not decrypt; the detail names the <see cref="Crypto.MessageCryptoError"/>.</summary>
    DecryptionFailed,
}
