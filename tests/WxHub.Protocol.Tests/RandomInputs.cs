using System.Text;
using WxHub.Protocol.Crypto;

namespace WxHub.Protocol.Tests;

/// <summary>Random inputs for the property tests, drawn from a seeded <see cref="Random"/> so failures reproduce.</summary>
internal static class RandomInputs
{
    public const int Cases = 1000;
    public const int Seed = 20_240_601;

    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // Pieces that stress encoding and XML writing: markup characters, CDATA terminators, line breaks, CJK, emoji.
    private static readonly string[] Awkward =
        ["<", ">", "&", "\"", "'", "]]>", "]]", "\r\n", "\r", "\n", "\t", " ", "你好", "微信", "é", "😀", "𝄞", "\u00A0", "\uFFFD"];

    public static EncodingAesKey Key(Random random) => EncodingAesKey.Parse(Alphanumeric(random, EncodingAesKey.Length));

    public static string Alphanumeric(Random random, int length) =>
        new(random.GetItems(Alphanumerics.AsSpan(), length));

    public static string ReceiverId(Random random) => Alphanumeric(random, random.Next(1, 33));

    /// <summary>Valid Unicode made only of characters XML allows, up to <paramref name="maxLength"/> pieces long.</summary>
    public static string Text(Random random, int maxLength = 400)
    {
        var length = random.Next(0, maxLength + 1);
        var text = new StringBuilder(length * 2);
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    text.Append(Awkward[random.Next(Awkward.Length)]);
                    break;
                case 1:
                    text.Append((char)random.Next(0x4E00, 0x9FFF));
                    break;
                case 2:
                    text.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)));
                    break;
                default:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
            }
        }
        return text.ToString();
    }

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Returns <paramref name="value"/> with one character replaced by a different one.</summary>
    public static string MutateOneChar(Random random, string value)
    {
        var chars = value.ToCharArray();
        var i = random.Next(chars.Length);
        var replacement = chars[i];
        while (replacement == chars[i] || char.ToLowerInvariant(replacement) == char.ToLowerInvariant(chars[i]))
        {
            replacement = Alphanumerics[random.Next(Alphanumerics.Length)];
        }
        chars[i] = replacement;
        return new string(chars);
    }
}
