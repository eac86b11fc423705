namespace WxHub.Protocol.Signatures;

/// <summary>
/// The signatures WeChat puts on callback requests: <c>signature</c> over token, timestamp and nonce (URL
/// verification and every push), and <c>msg_signature</c>, which adds the <c>Encrypt</c> value in encrypted modes.
/// </summary>
public static class CallbackSignature
{
    /// <summary><c>signature = sha1(sort(token, timestamp, nonce))</c>, lowercase hex.</summary>
    public static string Compute(string token, string timestamp, string nonce) =>
        Sha1Hex.OfSortedConcatenation([token, timestamp, nonce]);

    /// <summary><c>msg_signature = sha1(sort(token, timestamp, nonce, encrypt))</c>, lowercase hex.</summary>
    public static string ComputeForMessage(string token, string timestamp, string nonce, string encrypt) =>
        Sha1Hex.OfSortedConcatenation([token, timestamp, nonce, encrypt]);

    /// <summary>Checks a <c>signature</c> query value in constant time. A missing signature fails.</summary>
    public static bool Verify(string? signature, string token, string timestamp, string nonce) =>
        Sha1Hex.FixedTimeEquals(signature, Compute(token, timestamp, nonce));

    /// <summary>Checks a <c>msg_signature</c> value in constant time. A missing signature fails.</summary>
    public static bool VerifyForMessage(string? msgSignature, string token, string timestamp, string nonce, string encrypt) =>
        Sha1Hex.FixedTimeEquals(msgSignature, ComputeForMessage(token, timestamp, nonce, encrypt));
}
