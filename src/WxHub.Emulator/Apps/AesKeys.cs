using WxHub.Emulator.Control;

namespace WxHub.Emulator.Apps;

/// <summary>Checks an EncodingAESKey as the console does.</summary>
internal static class AesKeys
{
    public static void Check(string value, string field)
    {
        if (value.Length != 43 || !value.All(char.IsAsciiLetterOrDigit))
            throw ControlProblem.BadRequest("invalid_encoding_aes_key", $"\"{field}\" must be 43 letters and digits (WeChat's EncodingAESKey).");
    }
}
