using WxHub.Protocol.Signatures;

namespace WxHub.Protocol.Tests;

public sealed class SignatureTests
{
    [Fact]
    public void Url_verification_signature_matches_the_reference_vector()
    {
        Assert.Equal(Vectors.Own.UrlSignature, CallbackSignature.Compute(Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce));
        Assert.True(CallbackSignature.Verify(Vectors.Own.UrlSignature, Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce));
    }

    [Fact]
    public void Message_signature_matches_the_own_vector()
    {
        var signature = CallbackSignature.ComputeForMessage(Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce, Vectors.Own.Encrypt);
        Assert.Equal(Vectors.Own.MsgSignature, signature);
        Assert.True(CallbackSignature.VerifyForMessage(Vectors.Own.MsgSignature, Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce, Vectors.Own.Encrypt));
    }

    [Theory]
    [InlineData(Vectors.Wechatpy.EchoSignature, Vectors.Wechatpy.EchoTimestamp, Vectors.Wechatpy.EchoNonce, Vectors.Wechatpy.EchoStr)]
    [InlineData(Vectors.Wechatpy.ReplyMsgSignature, Vectors.Wechatpy.Timestamp, Vectors.Wechatpy.Nonce, Vectors.Wechatpy.ReplyEncrypt)]
    [InlineData(Vectors.Wechatpy.InboundMsgSignature, Vectors.Wechatpy.Timestamp, Vectors.Wechatpy.Nonce, Vectors.Wechatpy.InboundEncrypt)]
    public void Message_signature_matches_the_wechatpy_vectors(string expected, string timestamp, string nonce, string encrypt)
    {
        Assert.Equal(expected, CallbackSignature.ComputeForMessage(Vectors.Wechatpy.Token, timestamp, nonce, encrypt));
        Assert.True(CallbackSignature.VerifyForMessage(expected, Vectors.Wechatpy.Token, timestamp, nonce, encrypt));
    }

    [Fact]
    public void Wechatpy_rejects_the_echostr_signature_with_another_nonce_and_so_do_we()
    {
        Assert.False(CallbackSignature.VerifyForMessage(
            Vectors.Wechatpy.EchoSignature, Vectors.Wechatpy.Token, Vectors.Wechatpy.EchoTimestamp, "437374424", Vectors.Wechatpy.EchoStr));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("36a0924c38f1082a8ba517a1237c541208ae33a")]
    [InlineData("36a0924c38f1082a8ba517a1237c541208ae33a77")]
    [InlineData("36a0924c38f1082a8ba517a1237c541208ae33a8")]
    [InlineData("36a0924c38f1082a8ba517a1237c541208ae33é7")]
    public void Verify_rejects_missing_malformed_and_wrong_signatures(string? signature)
    {
        Assert.False(CallbackSignature.Verify(signature, Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce));
    }

    [Fact]
    public void Verify_ignores_hex_case()
    {
        Assert.True(CallbackSignature.Verify(Vectors.Own.UrlSignature.ToUpperInvariant(), Vectors.Own.Token, Vectors.Own.Timestamp, Vectors.Own.Nonce));
    }

    [Fact]
    public void Sorting_uses_utf8_byte_order_not_utf16_order()
    {
        // U+FF21 sorts after U+1F600 in UTF-16 code units (0xFF21 > 0xD83D) but before it in UTF-8 bytes and code points.
        var expected = CardSignature.Compute(["\uFF21\U0001F600"]);
        Assert.Equal(expected, CardSignature.Compute(["\U0001F600", "\uFF21"]));
    }

    [Fact]
    public void Js_sdk_signature_matches_the_official_example()
    {
        const string ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
        Assert.Equal("0f9de62fce790f9a083d5c99e95740ceb90c27ed",
            JsSdkSignature.Compute(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"));
        Assert.Equal("0f9de62fce790f9a083d5c99e95740ceb90c27ed",
            JsSdkSignature.Compute(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value#section/2"));
        Assert.NotEqual("0f9de62fce790f9a083d5c99e95740ceb90c27ed",
            JsSdkSignature.Compute(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value2"));
    }

    [Fact]
    public void Card_signature_matches_the_current_official_example()
    {
        Assert.Equal("f137ab68b7f8112d20ee528ab6074564e2796250", CardSignature.Compute(
            ["ojZ8YtyVyr30HheH3CM73y7h4jJE", "1404896688", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "1434008071", null, "123"]));
    }

    [Fact]
    public void Card_signature_matches_the_corrected_older_example()
    {
        Assert.Equal("2b4d29b5f60fa4be37522ddfd9583c329446d3e3", CardSignature.Compute(
            ["ojZ8YtyVyr30HheH3CM73y7h4jJE", "1404896688", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "jonyqin_1434008071", "", "jonyqin"]));
    }

    [Fact]
    public void Signatures_verify_and_fail_on_any_mutation_for_random_inputs()
    {
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var token = RandomInputs.Alphanumeric(random, random.Next(3, 33));
            var timestamp = random.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var nonce = RandomInputs.Alphanumeric(random, random.Next(1, 17));
            var encrypt = Convert.ToBase64String(RandomInputs.Bytes(random, 32 * random.Next(1, 8)));

            var signature = CallbackSignature.Compute(token, timestamp, nonce);
            Assert.True(CallbackSignature.Verify(signature, token, timestamp, nonce));
            Assert.False(CallbackSignature.Verify(RandomInputs.MutateOneChar(random, signature), token, timestamp, nonce));
            Assert.False(CallbackSignature.Verify(signature, RandomInputs.MutateOneChar(random, token), timestamp, nonce));
            Assert.False(CallbackSignature.Verify(signature, token, timestamp, RandomInputs.MutateOneChar(random, nonce)));

            var msgSignature = CallbackSignature.ComputeForMessage(token, timestamp, nonce, encrypt);
            Assert.True(CallbackSignature.VerifyForMessage(msgSignature, token, timestamp, nonce, encrypt));
            Assert.False(CallbackSignature.VerifyForMessage(RandomInputs.MutateOneChar(random, msgSignature), token, timestamp, nonce, encrypt));
            Assert.False(CallbackSignature.VerifyForMessage(msgSignature, token, timestamp, nonce, RandomInputs.MutateOneChar(random, encrypt)));
            Assert.False(CallbackSignature.VerifyForMessage(signature, token, timestamp, nonce, encrypt));
        }
    }
}
