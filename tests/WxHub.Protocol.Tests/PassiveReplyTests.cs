using System.Text.RegularExpressions;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;

namespace WxHub.Protocol.Tests;

public sealed partial class PassiveReplyTests
{
    private const string Head = "<xml><ToUserName><![CDATA[oUSER]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName><CreateTime>1700000000</CreateTime>";

    private static string Xml(PassiveReply reply) => reply.ToXml("oUSER", "gh_x", 1700000000);

    public static TheoryData<PassiveReply, string> Replies() => new()
    {
        { new TextReply("你好 <b>&"), "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 <b>&]]></Content></xml>" },
        { new ImageReply("m1"), "<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[m1]]></MediaId></Image></xml>" },
        { new VoiceReply("m2"), "<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[m2]]></MediaId></Voice></xml>" },
        { new VideoReply("m3"), "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m3]]></MediaId></Video></xml>" },
        {
            new VideoReply("m3", "T", "D"),
            "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m3]]></MediaId><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description></Video></xml>"
        },
        {
            new MusicReply("thumb", "T", "D", "http://m", "http://hq"),
            "<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description>" +
            "<MusicUrl><![CDATA[http://m]]></MusicUrl><HQMusicUrl><![CDATA[http://hq]]></HQMusicUrl><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId></Music></xml>"
        },
        { new MusicReply("thumb"), "<MsgType><![CDATA[music]]></MsgType><Music><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId></Music></xml>" },
        {
            new NewsReply([new NewsArticle("title", "desc", "https://p", "https://u")]),
            "<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[title]]></Title>" +
            "<Description><![CDATA[desc]]></Description><PicUrl><![CDATA[https://p]]></PicUrl><Url><![CDATA[https://u]]></Url></item></Articles></xml>"
        },
        { new TransferCustomerServiceReply(), "<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>" },
        {
            new TransferCustomerServiceReply("kf@account"),
            "<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[kf@account]]></KfAccount></TransInfo></xml>"
        },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Replies_are_written_as_wechat_writes_them(PassiveReply reply, string tail)
    {
        var xml = Xml(reply);
        Assert.Equal(Head + tail, xml);
        Assert.True(WeChatXml.ReadFields(xml).Succeeded);
    }

    [Theory]
    [InlineData("a]]>b")]
    [InlineData("]]>]]>")]
    [InlineData("]]]>")]
    [InlineData("line\r\nbreak\rx\n")]
    [InlineData("  spaced  ")]
    [InlineData("😀𝄞 and <![CDATA[nested]]>")]
    public void Awkward_text_survives_a_write_and_parse(string content)
    {
        var parsed = InboundMessage.Parse(Xml(new TextReply(content)));
        Assert.Equal(content, Assert.IsType<TextMessage>(parsed.Value).Content);
    }

    [Fact]
    public void Characters_xml_cannot_carry_become_replacement_characters()
    {
        var parsed = InboundMessage.Parse(Xml(new TextReply("a\u0001b\uD800c\uFFFEd")));
        Assert.Equal("a\uFFFDb\uFFFDc\uFFFDd", Assert.IsType<TextMessage>(parsed.Value).Content);
    }

    [Fact]
    public void News_shows_at_most_eight_articles_and_one_in_reply_to_a_message()
    {
        var articles = Enumerable.Range(1, 10).Select(i => new NewsArticle($"t{i}")).ToArray();
        var news = new NewsReply(articles);
        var xml = Xml(news);
        Assert.Contains("<ArticleCount>8</ArticleCount>", xml);
        Assert.Equal(8, ItemTag().Count(xml));
        Assert.Contains("t8", xml);
        Assert.DoesNotContain("t9", xml);

        var text = InboundMessage.Parse("<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>").Value!;
        var click = InboundMessage.Parse("<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>CLICK</Event></xml>").Value!;
        Assert.Single(news.For(text).Articles);
        Assert.Equal(8, news.For(click).Articles.Count);
        var single = new NewsReply([articles[0]]);
        Assert.Same(single, single.For(text));
    }

    [Fact]
    public void News_without_articles_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new NewsReply([]));
    }

    [Fact]
    public void Builder_refuses_unbalanced_containers_and_invalid_names()
    {
        Assert.Throws<InvalidOperationException>(() => new WeChatXmlBuilder().Start("Image").Build());
        Assert.Throws<System.Xml.XmlException>(() => new WeChatXmlBuilder().Text("bad name", "x"));
    }

    [Fact]
    public void Encrypted_reply_reproduces_the_wechatpy_vector()
    {
        var key = EncodingAesKey.Parse(Vectors.Wechatpy.EncodingAesKey);
        var envelope = EncryptedReply.Build(key, Vectors.Wechatpy.Token, Vectors.Wechatpy.ReceiverId, Vectors.Wechatpy.Reply,
            Vectors.Wechatpy.Timestamp, Vectors.Wechatpy.Nonce, System.Text.Encoding.ASCII.GetBytes(Vectors.Wechatpy.Random));

        Assert.Equal(
            $"<xml><Encrypt><![CDATA[{Vectors.Wechatpy.ReplyEncrypt}]]></Encrypt><MsgSignature><![CDATA[{Vectors.Wechatpy.ReplyMsgSignature}]]></MsgSignature>" +
            $"<TimeStamp>{Vectors.Wechatpy.Timestamp}</TimeStamp><Nonce><![CDATA[{Vectors.Wechatpy.Nonce}]]></Nonce></xml>",
            envelope);

        var opened = EncryptedReply.Open(envelope, key, Vectors.Wechatpy.Token, Vectors.Wechatpy.ReceiverId);
        Assert.Equal(Vectors.Wechatpy.Reply, opened.Value);
    }

    [Fact]
    public void Opening_checks_signature_receiver_key_and_fields()
    {
        var key = EncodingAesKey.Generate();
        var envelope = EncryptedReply.Build(key, "token", "wxapp", Xml(new TextReply("hi")), "1700000000", "nonce");

        Assert.True(EncryptedReply.Open(envelope, key, "token", "wxapp").Succeeded);
        Assert.Equal(XmlErrorKind.InvalidSignature, EncryptedReply.Open(envelope, key, "other-token", "wxapp").Error);
        Assert.Equal(XmlErrorKind.InvalidSignature, EncryptedReply.Open(envelope.Replace("1700000000", "1700000001"), key, "token", "wxapp").Error);

        var wrongReceiver = EncryptedReply.Open(envelope, key, "token", "wxother");
        Assert.Equal(XmlErrorKind.DecryptionFailed, wrongReceiver.Error);
        Assert.Contains(nameof(MessageCryptoError.ReceiverIdMismatch), wrongReceiver.Detail);
        Assert.Equal(XmlErrorKind.DecryptionFailed, EncryptedReply.Open(envelope, EncodingAesKey.Generate(), "token", "wxapp").Error);

        var withoutNonce = envelope.Replace("<Nonce><![CDATA[nonce]]></Nonce>", "", StringComparison.Ordinal);
        Assert.NotEqual(envelope, withoutNonce);
        Assert.Equal(XmlErrorKind.MissingField, EncryptedReply.Open(withoutNonce, key, "token", "wxapp").Error);
    }

    [Fact]
    public void Replies_round_trip_through_encryption_for_random_inputs()
    {
        var random = new Random(RandomInputs.Seed);
        for (var i = 0; i < RandomInputs.Cases; i++)
        {
            var key = RandomInputs.Key(random);
            var token = RandomInputs.Alphanumeric(random, random.Next(3, 33));
            var receiverId = RandomInputs.ReceiverId(random);
            var toUser = RandomInputs.Alphanumeric(random, 28);
            var content = RandomInputs.Text(random);
            var createTime = random.NextInt64(0, 4_000_000_000);
            var timestamp = createTime.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var nonce = RandomInputs.Alphanumeric(random, random.Next(1, 17));

            var replyXml = new TextReply(content).ToXml(toUser, "gh_account", createTime);
            var envelope = EncryptedReply.Build(key, token, receiverId, replyXml, timestamp, nonce);
            var opened = EncryptedReply.Open(envelope, key, token, receiverId);
            Assert.True(opened.Succeeded, $"case {i}: {opened.Detail}");
            Assert.Equal(replyXml, opened.Value);

            var text = Assert.IsType<TextMessage>(InboundMessage.Parse(opened.Value).Value);
            Assert.Equal((content, toUser, createTime), (text.Content, text.ToUserName, text.CreateTime));

            Assert.Equal(XmlErrorKind.InvalidSignature, EncryptedReply.Open(envelope, key, RandomInputs.MutateOneChar(random, token), receiverId).Error);
        }
    }

    [GeneratedRegex("<item>")]
    private static partial Regex ItemTag();
}
