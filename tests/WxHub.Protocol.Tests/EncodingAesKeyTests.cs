using WxHub.Protocol.Crypto;

namespace WxHub.Protocol.Tests;

public sealed class EncodingAesKeyTests
{
    [Fact]
    public void Parse_derives_the_reference_key_and_iv()
    {
        var key = EncodingAesKey.Parse(Vectors.Own.EncodingAesKey);
        Assert.Equal(Vectors.Own.AesKeyHex, Convert.ToHexStringLower(key.Key));
        Assert.Equal(Vectors.Own.IvHex, Convert.ToHexStringLower(key.Iv));
        Assert.Equal(Vectors.Own.EncodingAesKey, key.Value);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "42 characters")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", "44 characters")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", "position 43")]
    [InlineData("abcdefghijklmnopqrstuvwxyz+123456789ABCDEFG", "position 27")]
    [InlineData("abcdefghijklmnopqrstuvwxyz 123456789ABCDEFG", "position 27")]
    [InlineData("abcdefghijklmnopqrstuvwxyzé123456789ABCDEFG", "position 27")]
    public void Invalid_keys_fail_with_a_clear_message_that_does_not_quote_the_key(string? value, string expected)
    {
        Assert.False(EncodingAesKey.TryParse(value, out var key, out var error));
        Assert.Null(key);
        Assert.Contains(expected, error);
        if (!string.IsNullOrEmpty(value))
        {
            Assert.DoesNotContain(value, error);
            var exception = Assert.Throws<FormatException>(() => EncodingAesKey.Parse(value));
            Assert.Equal(error, exception.Message);
        }
    }

    [Fact]
    public void ToString_does_not_reveal_the_key()
    {
        var key = EncodingAesKey.Parse(Vectors.Own.EncodingAesKey);
        Assert.DoesNotContain("abcdef", key.ToString());
        Assert.DoesNotContain("abcdef", $"{key}");
    }

    [Fact]
    public void Generate_gives_distinct_valid_keys()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => EncodingAesKey.Generate().Value).ToHashSet();
        Assert.Equal(100, keys.Count);
        Assert.All(keys, value => Assert.True(EncodingAesKey.TryParse(value, out _, out _)));
    }
}
