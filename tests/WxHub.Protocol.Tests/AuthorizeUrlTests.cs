using WxHub.Protocol.OAuth;

namespace WxHub.Protocol.Tests;

public sealed class AuthorizeUrlTests
{
    private static readonly Uri Open = new("https://open.weixin.qq.com");

    [Fact]
    public void The_official_account_url_keeps_wechats_parameter_order_encodes_the_redirect_and_ends_with_the_fragment() =>
        Assert.Equal(
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387&redirect_uri=https%3A%2F%2Fhub.example.com%2Foauth%2Fwx520c15f417810387%2Fcallback%3Fa%3D1%26b%3D2&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect",
            AuthorizeUrl.ForOfficialAccount(Open, "wx520c15f417810387", "https://hub.example.com/oauth/wx520c15f417810387/callback?a=1&b=2", OAuthScopes.Base, "abc123"));

    [Fact]
    public void The_component_variant_adds_component_appid_before_the_fragment() =>
        Assert.Equal(
            "http://127.0.0.1:9000/connect/oauth2/authorize?appid=wxA&redirect_uri=http%3A%2F%2Fh%2Fcb&response_type=code&scope=snsapi_userinfo&state=s&component_appid=wxC#wechat_redirect",
            AuthorizeUrl.ForOfficialAccount(new Uri("http://127.0.0.1:9000/"), "wxA", "http://h/cb", OAuthScopes.UserInfo, "s", "wxC"));

    [Fact]
    public void The_website_url_goes_to_qrconnect_with_snsapi_login() =>
        Assert.Equal(
            "https://open.weixin.qq.com/connect/qrconnect?appid=wxW&redirect_uri=https%3A%2F%2Fh%2Fcb&response_type=code&scope=snsapi_login&state=s#wechat_redirect",
            AuthorizeUrl.ForWebsiteLogin(Open, "wxW", "https://h/cb", "s"));

    [Theory]
    [InlineData("snsapi_userinfo", true)]
    [InlineData("snsapi_login", true)]
    [InlineData("snsapi_base,snsapi_userinfo,", true)]
    [InlineData("snsapi_base", false)]
    [InlineData(null, false)]
    public void AllowsUserInfo_reads_wechats_comma_separated_scope(string? scope, bool expected) =>
        Assert.Equal(expected, OAuthScopes.AllowsUserInfo(scope));
}
