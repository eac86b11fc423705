using System.Security.Cryptography;
using System.Text;

namespace WxHub.Server.Messages;

/// <summary>
/// How a subscriber knows a delivery came from WxHub: <c>X-WxHub-Signature: sha256=&lt;hex&gt;</c>, the lowercase hex of
/// HMAC-SHA256 keyed with the subscriber's secret over <c>"{X-WxHub-Timestamp}.{body}"</c>. Binding the timestamp lets a
/// subscriber refuse old deliveries replayed at it.
/// </summary>
public static class DeliverySignature
{
    public const string SignatureHeader = "X-WxHub-Signature";
    public const string TimestampHeader = "X-WxHub-Timestamp";
    public const string DeliveryHeader = "X-WxHub-Delivery";
    public const string Prefix = "sha256=";

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
