using System.Security.Cryptography;

namespace WxHub.Core.Messages;

/// <summary>Random, prefixed ids of the message server's records (the prefix says what an id names in logs and APIs).</summary>
public static class MessageIds
{
    public static string Subscriber() => New("sub_");

    public static string Callback() => New("cb_");

    public static string Delivery() => New("dl_");

    private static string New(string prefix) => prefix + RandomNumberGenerator.GetHexString(20, lowercase: true);
}
