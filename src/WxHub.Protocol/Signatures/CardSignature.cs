namespace WxHub.Protocol.Signatures;

/// <summary>
/// The <c>wx_card</c> signatures (cardExt <c>signature</c> and <c>cardSign</c>): only values are signed, so the same
/// function serves both.
/// </summary>
public static class CardSignature
{
    /// <summary>
    /// <c>sha1(concat(sort(values)))</c>, lowercase hex. Null and empty values contribute nothing, as WeChat's optional
    /// fields do when omitted.
    /// </summary>
    public static string Compute(IEnumerable<string?> values) => Sha1Hex.OfSortedConcatenation(values);
}
