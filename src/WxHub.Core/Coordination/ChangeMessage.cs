using System.Text;

namespace WxHub.Core.Coordination;

/// <summary>
/// The rules for a notification's channel and payload, and how they travel together as one text (PostgreSQL's NOTIFY
/// carries one channel of WxHub's and a payload below 8000 bytes).
/// </summary>
public static class ChangeMessage
{
    public const int MaxBytes = 7000;

    public static void Validate(string channel, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(payload);
        if (channel.Contains('\n'))
            throw new ArgumentException("A change channel has no line break.", nameof(channel));
        if (Encoding.UTF8.GetByteCount(channel) + Encoding.UTF8.GetByteCount(payload) > MaxBytes)
            throw new ArgumentException($"A change notification carries at most {MaxBytes} bytes; publish a key and let subscribers read the store.", nameof(payload));
    }

    public static string Encode(string channel, string payload) => channel + "\n" + payload;

    /// <summary>False for text that is not a WxHub change message.</summary>
    public static bool TryDecode(string text, out string channel, out string payload)
    {
        var split = text.IndexOf('\n');
        channel = split > 0 ? text[..split] : "";
        payload = split > 0 ? text[(split + 1)..] : "";
        return split > 0;
    }
}
