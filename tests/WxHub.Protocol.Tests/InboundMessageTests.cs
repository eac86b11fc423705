using WxHub.Protocol.Messages;

namespace WxHub.Protocol.Tests;

public sealed class InboundMessageTests
{
    private const string Header =
        "<ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName><CreateTime>1348831860</CreateTime>";

    private static T Parse<T>(string body) where T : InboundMessage
    {
        var result = InboundMessage.Parse($"<xml>{Header}{body}</xml>");
        Assert.True(result.Succeeded, result.Detail);
        return Assert.IsType<T>(result.Value);
    }

    private static T ParseEvent<T>(string eventName, string body = "") where T : EventMessage
    {
        var message = Parse<T>($"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{eventName}]]></Event>{body}");
        Assert.Equal(eventName, message.Event);
        Assert.Null(message.MsgId);
        return message;
    }

    [Fact]
    public void Text_message_from_the_reference_skeleton()
    {
        var xml = """
            <xml>
              <ToUserName><![CDATA[toUser]]></ToUserName>
              <FromUserName><![CDATA[fromUser]]></FromUserName>
              <CreateTime>1348831860</CreateTime>
              <MsgType><![CDATA[text]]></MsgType>
              <Content><![CDATA[this is a test]]></Content>
              <MsgId>1234567890123456</MsgId>
            </xml>
            """;
        var result = InboundMessage.Parse(xml);
        var text = Assert.IsType<TextMessage>(result.Value);
        Assert.Equal("toUser", text.ToUserName);
        Assert.Equal("fromUser", text.FromUserName);
        Assert.Equal(1348831860, text.CreateTime);
        Assert.Equal("text", text.MsgType);
        Assert.Equal(1234567890123456, text.MsgId);
        Assert.Equal("this is a test", text.Content);
        Assert.Equal("1234567890123456", text.DeduplicationKey);
        Assert.Same(xml, text.RawXml);
        Assert.Equal(6, text.Fields.Count);
    }

    [Fact]
    public void Every_normal_message_type_is_typed()
    {
        var image = Parse<ImageMessage>("<MsgType>image</MsgType><PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1</MsgId>");
        Assert.Equal(("http://p/1.jpg", "m1"), (image.PicUrl, image.MediaId));

        var voice = Parse<VoiceMessage>("<MsgType>voice</MsgType><MediaId>m2</MediaId><Format>amr</Format><Recognition><![CDATA[你好]]></Recognition><MsgId>2</MsgId>");
        Assert.Equal(("m2", "amr", "你好", (string?)null), (voice.MediaId, voice.Format, voice.Recognition, voice.MediaId16K));

        var video = Parse<VideoMessage>("<MsgType>video</MsgType><MediaId>m3</MediaId><ThumbMediaId>t3</ThumbMediaId><MsgId>3</MsgId>");
        Assert.Equal(("m3", "t3"), (video.MediaId, video.ThumbMediaId));

        var shortVideo = Parse<ShortVideoMessage>("<MsgType>shortvideo</MsgType><MediaId>m4</MediaId><ThumbMediaId>t4</ThumbMediaId><MsgId>4</MsgId>");
        Assert.Equal(("m4", "t4"), (shortVideo.MediaId, shortVideo.ThumbMediaId));

        var location = Parse<LocationMessage>(
            "<MsgType>location</MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>5</MsgId>");
        Assert.Equal((23.134521, 113.358803, (int?)20, "位置信息"), (location.LocationX, location.LocationY, location.Scale, location.Label));

        var link = Parse<LinkMessage>("<MsgType>link</MsgType><Title>T</Title><Description>D</Description><Url>http://u</Url><MsgId>6</MsgId>");
        Assert.Equal(("T", "D", "http://u"), (link.Title, link.Description, link.Url));
    }

    [Fact]
    public void Unknown_types_and_unknown_elements_are_kept_in_fields()
    {
        var unknown = Parse<UnknownMessage>(
            "<MsgType>miniprogrampage</MsgType><Title>mp</Title><MsgId>7</MsgId><MsgDataId>99</MsgDataId><Idx>1</Idx>");
        Assert.Equal("miniprogrampage", unknown.MsgType);
        Assert.Equal("mp", unknown.Fields["Title"]);

        var text = Parse<TextMessage>("<MsgType>text</MsgType><Content>hi</Content><MsgId>8</MsgId><Brand><New>x</New></Brand><MsgDataId>99</MsgDataId>");
        Assert.Equal("x", text.Fields["Brand/New"]);
        Assert.Equal("99", text.Fields["MsgDataId"]);
    }

    [Fact]
    public void Qr_subscribe_exposes_scene_and_ticket()
    {
        var subscribe = ParseEvent<SubscribeEvent>("subscribe", "<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>");
        Assert.Equal("qrscene_123123", subscribe.EventKey);
        Assert.Equal("123123", subscribe.SceneValue);
        Assert.Equal("TICKET", subscribe.Ticket);
        Assert.Equal("oUSER#1348831860#subscribe", subscribe.DeduplicationKey);
    }

    [Fact]
    public void Plain_subscribe_has_no_scene()
    {
        var subscribe = ParseEvent<SubscribeEvent>("subscribe", "<EventKey><![CDATA[]]></EventKey>");
        Assert.Equal("", subscribe.EventKey);
        Assert.Null(subscribe.SceneValue);
        Assert.Null(ParseEvent<SubscribeEvent>("subscribe").EventKey);
    }

    [Fact]
    public void Every_listed_event_is_typed()
    {
        Assert.Equal(typeof(EventMessage), ParseEvent<EventMessage>("unsubscribe").GetType());

        var scan = ParseEvent<ScanEvent>("SCAN", "<EventKey>123</EventKey><Ticket>T</Ticket>");
        Assert.Equal(("123", "T"), (scan.EventKey, scan.Ticket));

        var location = ParseEvent<LocationEvent>("LOCATION", "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>");
        Assert.Equal((23.137466, 113.352425, (double?)119.38504), (location.Latitude, location.Longitude, location.Precision));

        var click = ParseEvent<EventMessage>("CLICK", "<EventKey>MENU_KEY</EventKey>");
        Assert.Equal("MENU_KEY", click.EventKey);

        var view = ParseEvent<EventMessage>("VIEW", "<EventKey>https://example.com/</EventKey><MenuId>208379533</MenuId>");
        Assert.Equal("https://example.com/", view.EventKey);
        Assert.Equal("208379533", view.Fields["MenuId"]);

        var template = ParseEvent<TemplateSendJobFinishEvent>("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[failed: system failed]]></Status>");
        Assert.Equal((200163836L, "failed: system failed", false), (template.SentMsgId, template.Status, template.Delivered));
        Assert.True(ParseEvent<TemplateSendJobFinishEvent>("TEMPLATESENDJOBFINISH", "<MsgID>1</MsgID><Status>success</Status>").Delivered);

        var mass = ParseEvent<MassSendJobFinishEvent>("MASSSENDJOBFINISH",
            "<MsgID>1988</MsgID><Status>sendsuccess</Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>");
        Assert.Equal((1988L, "sendsuccess", (int?)100, (int?)80, (int?)75, (int?)5),
            (mass.SentMsgId, mass.Status, mass.TotalCount, mass.FilterCount, mass.SentCount, mass.ErrorCount));

        foreach (var name in new[] { "scancode_push", "scancode_waitmsg" })
        {
            var scanCode = ParseEvent<ScanCodeEvent>(name, "<EventKey>6</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult></ScanCodeInfo>");
            Assert.Equal(("qrcode", "1"), (scanCode.ScanType, scanCode.ScanResult));
        }

        foreach (var name in new[] { "pic_sysphoto", "pic_photo_or_album", "pic_weixin" })
        {
            var pics = ParseEvent<SendPicsEvent>(name,
                "<EventKey>6</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>aaa</PicMd5Sum></item><item><PicMd5Sum>bbb</PicMd5Sum></item></PicList></SendPicsInfo>");
            Assert.Equal(2, pics.Count);
            Assert.Equal(new[] { "aaa", "bbb" }, pics.PicMd5Sums);
            Assert.Equal("bbb", pics.Fields["SendPicsInfo/PicList/item[2]/PicMd5Sum"]);
        }

        var select = ParseEvent<LocationSelectEvent>("location_select",
            "<EventKey>6</EventKey><SendLocationInfo><Location_X>23</Location_X><Location_Y>113</Location_Y><Scale>15</Scale><Label>广州</Label><Poiname/></SendLocationInfo>");
        Assert.Equal(((double?)23, (double?)113, (int?)15, "广州", ""), (select.LocationX, select.LocationY, select.Scale, select.Label, select.Poiname));

        Assert.Equal(typeof(EventMessage), ParseEvent<EventMessage>("some_future_event").GetType());
    }

    [Fact]
    public void Missing_and_malformed_common_fields_are_typed_errors()
    {
        var missing = InboundMessage.Parse("<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>");
        Assert.Equal(XmlErrorKind.MissingField, missing.Error);
        Assert.Contains("FromUserName", missing.Detail);

        var badTime = InboundMessage.Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>");
        Assert.Equal(XmlErrorKind.Malformed, badTime.Error);
        Assert.Contains("CreateTime", badTime.Detail);

        Assert.Equal(XmlErrorKind.MissingField, InboundMessage.Parse($"<xml>{Header}<MsgType>event</MsgType></xml>").Error);
        Assert.Equal(XmlErrorKind.MissingField, InboundMessage.Parse($"<xml>{Header}<MsgType>location</MsgType><Location_Y>1</Location_Y></xml>").Error);
        Assert.Equal(XmlErrorKind.Malformed, InboundMessage.Parse($"<xml>{Header}<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>x</MsgID></xml>").Error);
    }

    [Fact]
    public void Encrypted_envelopes_of_both_kinds_parse()
    {
        var account = EncryptedEnvelope.Parse("<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>");
        Assert.Equal(new EncryptedEnvelope("gh_x", null, "abc="), account.Value);

        var component = EncryptedEnvelope.Parse("<xml><AppId><![CDATA[wxcomponent]]></AppId><Encrypt><![CDATA[abc=]]></Encrypt></xml>");
        Assert.Equal(new EncryptedEnvelope(null, "wxcomponent", "abc="), component.Value);

        Assert.Equal(XmlErrorKind.MissingField, EncryptedEnvelope.Parse("<xml><ToUserName>gh_x</ToUserName></xml>").Error);
        Assert.Equal(XmlErrorKind.MissingField, EncryptedEnvelope.Parse("<xml><Encrypt></Encrypt></xml>").Error);
    }

    [Fact]
    public void Component_verify_ticket()
    {
        var result = ComponentNotification.Parse("""
            <xml>
              <AppId>some_appid</AppId>
              <CreateTime>1413192605</CreateTime>
              <InfoType>component_verify_ticket</InfoType>
              <ComponentVerifyTicket>ticket@@@abc</ComponentVerifyTicket>
            </xml>
            """);
        var ticket = Assert.IsType<ComponentVerifyTicket>(result.Value);
        Assert.Equal(("some_appid", 1413192605L, "component_verify_ticket", "ticket@@@abc"), (ticket.AppId, ticket.CreateTime, ticket.InfoType, ticket.Ticket));
    }

    [Theory]
    [InlineData("authorized", AuthorizationChange.Authorized)]
    [InlineData("updateauthorized", AuthorizationChange.Updated)]
    public void Authorization_grants_carry_a_code(string infoType, AuthorizationChange change)
    {
        var result = ComponentNotification.Parse(
            $"<xml><AppId>wxcomp</AppId><CreateTime>1413192760</CreateTime><InfoType>{infoType}</InfoType><AuthorizerAppid>wxauth</AuthorizerAppid>" +
            "<AuthorizationCode>code1</AuthorizationCode><AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime><PreAuthCode>pre1</PreAuthCode></xml>");
        var notification = Assert.IsType<AuthorizationNotification>(result.Value);
        Assert.Equal((change, "wxauth", "code1", (long?)1413196360, "pre1"),
            (notification.Change, notification.AuthorizerAppid, notification.AuthorizationCode, notification.AuthorizationCodeExpiredTime, notification.PreAuthCode));
    }

    [Fact]
    public void Unauthorized_has_no_code()
    {
        var result = ComponentNotification.Parse(
            "<xml><AppId>wxcomp</AppId><CreateTime>1413192760</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wxauth</AuthorizerAppid></xml>");
        var notification = Assert.IsType<AuthorizationNotification>(result.Value);
        Assert.Equal((AuthorizationChange.Revoked, "wxauth", (string?)null, (long?)null), (notification.Change, notification.AuthorizerAppid, notification.AuthorizationCode, notification.AuthorizationCodeExpiredTime));
    }

    [Fact]
    public void Unknown_info_types_keep_their_fields()
    {
        var result = ComponentNotification.Parse(
            "<xml><AppId><![CDATA[wxcomp]]></AppId><CreateTime>1535442403</CreateTime><InfoType><![CDATA[notify_third_fasteregister]]></InfoType>" +
            "<appid>wxnew</appid><status>0</status><auth_code>ac</auth_code><msg>OK</msg><info><name><![CDATA[company]]></name><code_type>1</code_type></info></xml>");
        var unknown = Assert.IsType<UnknownComponentNotification>(result.Value);
        Assert.Equal("wxnew", unknown.Fields["appid"]);
        Assert.Equal("company", unknown.Fields["info/name"]);
    }

    [Fact]
    public void Component_notifications_need_their_identifying_fields()
    {
        Assert.Equal(XmlErrorKind.MissingField,
            ComponentNotification.Parse("<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType></xml>").Error);
        Assert.Equal(XmlErrorKind.MissingField,
            ComponentNotification.Parse("<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>authorized</InfoType></xml>").Error);
        Assert.Equal(XmlErrorKind.MissingField,
            ComponentNotification.Parse("<xml><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>x</AuthorizerAppid></xml>").Error);
    }
}
