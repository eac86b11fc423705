using System.Security.Cryptography;
using System.Text;
using WxHub.Protocol.Crypto;

namespace WxHub.Protocol.Tests;

public sealed class MessageCryptoTests
{
    private static readonly EncodingAesKey OwnKey = EncodingAesKey.Parse(Vectors.Own.EncodingAesKey);
    private static readonly EncodingAesKey WechatpyKey = EncodingAesKey.Parse(Vectors.Wechatpy.EncodingAesKey);

    [Fact]
    public void Encrypt_reproduces_the_own_vector_exactly()
    {
        Assert.Equal(246, Encoding.UTF8.GetByteCount(Vectors.Own.Message));
        var encrypt = MessageCrypto.Encrypt(OwnKey, Vectors.Own.AppId, Vectors.Own.Message, Encoding.ASCII.GetBytes(Vectors.Own.Random));
        Assert.Equal(Vectors.Own.Encrypt, encrypt);
    }

    [Fact]
    public void Decrypt_opens_the_own_vector()
    {
        var result = MessageCrypto.Decrypt(Vectors.Own.Encrypt, Vectors.Own.AppId, OwnKey);
        Assert.True(result.Succeeded);
        Assert.Equal(Vectors.Own.Message, result.Message);
        Assert.Equal(Vectors.Own.AppId, result.ReceiverId);
        Assert.False(result.UsedPreviousKey);
    }

    [Fact]
    public void Encrypt_reproduces_the_wechatpy_reply_vector_exactly()
    {
        var encrypt = MessageCrypto.Encrypt(
            WechatpyKey, Vectors.Wechatpy.ReceiverId, Vectors.Wechatpy.Reply, Encoding.ASCII.GetBytes(Vectors.Wechatpy.Random));
        Assert.Equal(Vectors.Wechatpy.ReplyEncrypt, encrypt);
    }

    [Fact]
    public void Decrypt_opens_the_wechatpy_echostr()
    {
        var result = MessageCrypto.Decrypt(Vectors.Wechatpy.EchoStr, Vectors.Wechatpy.ReceiverId, WechatpyKey);
        Assert.Equal(MessageCryptoError.None, result.Error);
        Assert.Equal(Vectors.Wechatpy.EchoPlaintext, result.Message);
        Assert.Equal(Vectors.Wechatpy.ReceiverId, result.ReceiverId);
    }

    [Fact]
    public void Decrypt_opens_the_wechatpy_inbound_message()
    {
        var result = MessageCrypto.Decrypt(Vectors.Wechatpy.InboundEncrypt, Vectors.Wechatpy.ReceiverId, WechatpyKey);
        Assert.True(result.Succeeded);
        Assert.Contains("<Content><![CDATA[test]]></Content>", result.Message);
        Assert.Contains("<FromUserName><![CDATA[messense]]></FromUserName>", result.Message);
    }

    [Fact]
    public void Decrypt_falls_back_to_the_previous_key_during_rotation()
    {
        var next = EncodingAesKey.Generate();
        var result = MessageCrypto.Decrypt(Vectors.Own.Encrypt, Vectors.Own.AppId, next, previous: OwnKey);
        Assert.True(result.Succeeded);
        Assert.True(result.UsedPreviousKey);
        Assert.Equal(Vectors.Own.Message, result.Message);

        var withoutPrevious = MessageCrypto.Decrypt(Vectors.Own.Encrypt, Vectors.Own.AppId, next);
        Assert.False(withoutPrevious.Succeeded);
        Assert.Null(withoutPrevious.Message);
    }

    [Fact]
    public void Decrypt_reports_a_wrong_receiver_id_and_names_the_one_found()
    {
        var result = MessageCrypto.Decrypt(Vectors.Own.Encrypt, "wx0000000000000000", OwnKey);
        Assert.Equal(MessageCryptoError.ReceiverIdMismatch, result.Error);
        Assert.Equal(Vectors.Own.AppId, result.ReceiverId);
        Assert.Null(result.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(255)]
    public void A_pad_byte_outside_1_to_32_is_invalid_padding(byte padByte)
    {
        var plain = Layout(Encoding.UTF8.GetBytes("<xml/>"), Vectors.Own.AppId, padTo: 64);
        plain[^1] = padByte;
        Assert.Equal(MessageCryptoError.InvalidPadding, MessageCrypto.Decrypt(EncryptRaw(plain), Vectors.Own.AppId, OwnKey).Error);
    }

    [Fact]
    public void Inconsistent_pad_bytes_are_invalid_padding()
    {
        var plain = Layout(Encoding.UTF8.GetBytes("<xml/>"), Vectors.Own.AppId, padTo: 64);
        plain[^2] ^= 0x01;
        Assert.Equal(MessageCryptoError.InvalidPadding, MessageCrypto.Decrypt(EncryptRaw(plain), Vectors.Own.AppId, OwnKey).Error);
    }

    [Fact]
    public void A_length_field_beyond_the_plaintext_is_invalid_length()
    {
        var plain = Layout(Encoding.UTF8.GetBytes("<xml/>"), Vectors.Own.AppId, padTo: 64);
        plain[16] = 0x7F;
        Assert.Equal(MessageCryptoError.InvalidLength, MessageCrypto.Decrypt(EncryptRaw(plain), Vectors.Own.AppId, OwnKey).Error);
    }

    [Fact]
    public void A_plaintext_shorter_than_the_header_is_invalid_length()
    {
        var plain = new byte[32];
        plain.AsSpan(10).Fill(22);
        Assert.Equal(MessageCryptoError.InvalidLength, MessageCrypto.Decrypt(EncryptRaw(plain), Vectors.Own.AppId, OwnKey).Error);
    }

    [Fact]
    public void Encrypt_rejects_a_random_prefix_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => MessageCrypto.Encrypt(OwnKey, "wx", "m", new byte[15]));
    }

    [Fact]
    public void Encrypted_plaintext_is_padded_to_a_multiple_of_32_with_a_full_block_when_aligned()
    {
        // 16 + 4 + 8 + 4 = 32 bytes of content: aligned, so a whole block of 0x20 follows.
        var encrypt = MessageCrypto.Encrypt(OwnKey, "wxid", "12345678", new byte[16]);
        Assert.Equal(64, Convert.FromBase64String(encrypt).Length);
        Assert.Equal("12345678", MessageCrypto.Decrypt(encrypt, "wxid", OwnKey).Message);
    }

    [Fact]
    public void Encrypt_then_decrypt_round_trips_random_keys_payloads_and_receiver_ids()
    {
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var key = RandomInputs.Key(random);
            var receiverId = RandomInputs.ReceiverId(random);
            var message = RandomInputs.Text(random);

            var encrypt = i % 2 == 0
                ? MessageCrypto.Encrypt(key, receiverId, message)
                : MessageCrypto.Encrypt(key, receiverId, message, RandomInputs.Bytes(random, 16));
            Assert.Equal(0, Convert.FromBase64String(encrypt).Length % 32);

            var result = MessageCrypto.Decrypt(encrypt, receiverId, key);
            Assert.True(result.Succeeded, $"case {i}: {result.Error}");
            Assert.Equal(message, result.Message);
            Assert.Equal(receiverId, result.ReceiverId);

            var otherKey = RandomInputs.Key(random);
            Assert.False(MessageCrypto.Decrypt(encrypt, receiverId, otherKey).Succeeded, $"case {i}: opened with a wrong key");
            var rotated = MessageCrypto.Decrypt(encrypt, receiverId, otherKey, key);
            Assert.True(rotated.Succeeded && rotated.UsedPreviousKey && rotated.Message == message, $"case {i}: previous key");
            Assert.Equal(MessageCryptoError.ReceiverIdMismatch, MessageCrypto.Decrypt(encrypt, receiverId + "x", key).Error);
        }
    }

    /// <summary>The WXBizMsgCrypt plaintext layout with a zero random prefix and PKCS#7 padding up to <paramref name="padTo"/>.</summary>
    private static byte[] Layout(byte[] message, string receiverId, int padTo)
    {
        var id = Encoding.UTF8.GetBytes(receiverId);
        var plain = new byte[padTo];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16), (uint)message.Length);
        message.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + message.Length);
        var content = 20 + message.Length + id.Length;
        plain.AsSpan(content).Fill((byte)(padTo - content));
        return plain;
    }

    private static string EncryptRaw(byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = OwnKey.Key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, OwnKey.Iv, PaddingMode.None));
    }
}
