namespace WxHub.Protocol.Tests;

/// <summary>The known-answer vectors of the protocol reference (§2.2, §2.3, §3.1, §3.5).</summary>
internal static class Vectors
{
    /// <summary>The reference's own vector (§3.1 and §3.5).</summary>
    public static class Own
    {
        public const string Token = "testtoken";
        public const string EncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        public const string AesKeyHex = "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051";
        public const string IvHex = "69b71d79f8218a39259a7a29aabb2dba";
        public const string AppId = "wx1234567890abcdef";
        public const string Random = "0123456789abcdef";
        public const string Timestamp = "1700000000";
        public const string Nonce = "987654321";

        public const string Message =
            "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName>" +
            "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content>" +
            "<MsgId>1234567890123456</MsgId></xml>";

        public const string Encrypt =
            "Q3stYC6hdFzMh9T8HCvyDJ4rESBupRSxsJzqQVNO7y8xX05+JTK6WrzwTuW5Tew+r4AyFwvq71/o3NN5C+3RBALzHoEecCy62+CRqPgNASkU" +
            "lqC3jdlAepk0miotJTCQS1Nsp2CwOYkeom7JeZmXoVtRs+rsXKx2aRZqPLwS9xbrl02W/7ZKSSwJi1YPy4yexczOMuLOiKTh/jHkp2Ad+Fwy" +
            "xAEpvMu2mbvL7Xkii7Bvz1N2TJg/A9cJOrPgrrvtJH3lFRq/+dmIofZOPc8ItvgzZLS0n5JugdKGmXKYrn+ufNqVGjB0RFL26QA6q3By49jR" +
            "hCe4p+Lh7Tyl3sZV7Z6gTX1iAtj3yjIqbjGOzOXcixEikzVFmDgDty7uQ9ym";

        public const string MsgSignature = "dee8dbed4676de9075af86784afaea690dc1e4fe";
        public const string UrlSignature = "36a0924c38f1082a8ba517a1237c541208ae33a7";
    }

    /// <summary>wechatpy's <c>tests/test_crypto.py</c> (WeCom flavour, same algorithm).</summary>
    public static class Wechatpy
    {
        public const string Token = "123456";
        public const string EncodingAesKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
        public const string ReceiverId = "wx49f0ab532d5d035a";
        public const string Random = "1234567890123456";
        public const string Timestamp = "1411525903";
        public const string Nonce = "461056294";

        public const string Reply =
            "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n" +
            "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n" +
            "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";

        public const string ReplyEncrypt =
            "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb" +
            "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8" +
            "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O" +
            "5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3";

        public const string ReplyMsgSignature = "407518b7649e86ef23978113f92d27afa9296533";

        public const string EchoTimestamp = "1411443780";
        public const string EchoNonce = "437374425";
        public const string EchoStr = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
        public const string EchoSignature = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96";
        public const string EchoPlaintext = "5927782489442352469";

        public const string InboundEncrypt =
            "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymz" +
            "xh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIi" +
            "OAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvc" +
            "cTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";

        public const string InboundMsgSignature = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d";
    }
}
