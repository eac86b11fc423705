using System.Text;
using WxHub.Protocol.Errors;

namespace WxHub.Protocol.Tests;

public sealed class WeChatErrorTests
{
    // Every code in the reference's §1.8 table and its "other codes" list, with the category each must have.
    public static TheoryData<int, WeChatErrorCategory> ReferenceCodes() => new()
    {
        { -1, WeChatErrorCategory.Retryable },
        { 0, WeChatErrorCategory.Success },
        { 40001, WeChatErrorCategory.TokenInvalid },
        { 40002, WeChatErrorCategory.BadRequest },
        { 40013, WeChatErrorCategory.BadCredentials },
        { 40014, WeChatErrorCategory.TokenInvalid },
        { 40125, WeChatErrorCategory.BadCredentials },
        { 40164, WeChatErrorCategory.IpWhitelist },
        { 41001, WeChatErrorCategory.BadRequest },
        { 41002, WeChatErrorCategory.BadRequest },
        { 41004, WeChatErrorCategory.BadRequest },
        { 42001, WeChatErrorCategory.TokenInvalid },
        { 42007, WeChatErrorCategory.AuthorizationRevoked },
        { 43002, WeChatErrorCategory.BadRequest },
        { 45009, WeChatErrorCategory.Quota },
        { 45011, WeChatErrorCategory.Quota },
        { 48001, WeChatErrorCategory.Unauthorized },
        { 48006, WeChatErrorCategory.Quota },
        { 50001, WeChatErrorCategory.Unauthorized },
        { 50002, WeChatErrorCategory.Unauthorized },
        { 61004, WeChatErrorCategory.IpWhitelist },
        { 61005, WeChatErrorCategory.ComponentTicket },
        { 61006, WeChatErrorCategory.ComponentTicket },
        { 61011, WeChatErrorCategory.BadCredentials },
        { 61023, WeChatErrorCategory.AuthorizationRevoked },
        { 61024, WeChatErrorCategory.BadRequest },
        { 89501, WeChatErrorCategory.RiskConfirmation },
        { 89503, WeChatErrorCategory.RiskConfirmation },
        { 89506, WeChatErrorCategory.RiskConfirmation },
        { 89507, WeChatErrorCategory.RiskConfirmation },
        { 40029, WeChatErrorCategory.CodeInvalid },
        { 40030, WeChatErrorCategory.AuthorizationRevoked },
        { 40163, WeChatErrorCategory.CodeInvalid },
        { 42002, WeChatErrorCategory.AuthorizationRevoked },
        { 42003, WeChatErrorCategory.CodeInvalid },
        { 40003, WeChatErrorCategory.BadRequest },
        { 40007, WeChatErrorCategory.BadRequest },
        { 45015, WeChatErrorCategory.Other },
        { 47001, WeChatErrorCategory.BadRequest },
        { 61003, WeChatErrorCategory.AuthorizationRevoked },
        { 61007, WeChatErrorCategory.Unauthorized },
        { 61014, WeChatErrorCategory.BadRequest },
        { 61015, WeChatErrorCategory.BadRequest },
    };

    [Theory]
    [MemberData(nameof(ReferenceCodes))]
    public void Every_reference_code_is_catalogued_and_classified(int code, WeChatErrorCategory category)
    {
        var info = WeChatErrorCatalog.Describe(code);
        Assert.Equal(code, info.Code);
        Assert.Equal(category, info.Category);
        Assert.Contains(info, WeChatErrorCatalog.All);
    }

    [Fact]
    public void Every_catalogue_entry_explains_itself_in_english()
    {
        Assert.True(WeChatErrorCatalog.All.Count() >= 50);
        Assert.All(WeChatErrorCatalog.All, info =>
        {
            Assert.EndsWith(".", info.Meaning);
            Assert.EndsWith(".", info.OperatorAction);
            Assert.True(info.Meaning.All(char.IsAscii) && info.OperatorAction.All(char.IsAscii), $"{info.Code} is not plain English");
        });
    }

    [Fact]
    public void Exactly_40001_40014_and_42001_mean_refresh_the_token()
    {
        var tokenInvalid = WeChatErrorCatalog.All.Where(info => WeChatErrorCatalog.IsTokenInvalid(info.Code)).Select(info => info.Code);
        Assert.Equal([40001, 40014, 42001], tokenInvalid);
        Assert.False(WeChatErrorCatalog.IsTokenInvalid(0));
        Assert.False(WeChatErrorCatalog.IsTokenInvalid(12345));
    }

    [Fact]
    public void Unknown_codes_are_other_and_say_so()
    {
        var info = WeChatErrorCatalog.Describe(99999);
        Assert.Equal((99999, WeChatErrorCategory.Other), (info.Code, info.Category));
        Assert.Contains("99999", info.Meaning);
    }

    [Theory]
    [InlineData("invalid ip 111.50.94.9 ipv6 ::ffff:111.50.94.9, not in whitelist, rid: 65f307bc-1a5c7d64-18ff931f", "111.50.94.9")]
    [InlineData("invalid ip 61.172.68.219, not in whitelist hint: [KJZfAa0644e575]", "61.172.68.219")]
    [InlineData("invalid ip 2001:db8::1, not in whitelist", "2001:db8::1")]
    [InlineData("access clientip is not registered, requestIP: 10.0.0.7 rid: 1-2-3", "10.0.0.7")]
    [InlineData("invalid ip 1.2.3.4567, not in whitelist", null)]
    [InlineData("access clientip is not registered", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_ip_is_extracted_from_a_whitelist_errmsg(string? errmsg, string? ip)
    {
        Assert.Equal(ip, WeChatErrorCatalog.ExtractWhitelistIp(errmsg));
    }

    [Fact]
    public void A_40164_description_tells_the_operator_which_ip_to_whitelist()
    {
        var info = WeChatErrorCatalog.Describe(40164, "invalid ip 111.50.94.9 ipv6 ::ffff:111.50.94.9, not in whitelist, rid: 65f307bc-1a5c7d64-18ff931f");
        Assert.StartsWith("Add 111.50.94.9 (this server's outbound IP as WeChat sees it) to the account's IP whitelist", info.OperatorAction);
        Assert.Contains("WeChat admin console", info.OperatorAction);

        Assert.StartsWith("Add this server's outbound IP to", WeChatErrorCatalog.Describe(40164, "not in whitelist").OperatorAction);
        Assert.Contains("10.1.2.3", new WeChatStatus(61004, "access clientip is not registered, requestIP: 10.1.2.3").Describe().OperatorAction);
        Assert.Equal(WeChatErrorCatalog.Describe(40001), WeChatErrorCatalog.Describe(40001, "invalid ip 1.2.3.4"));
    }

    [Theory]
    [InlineData("""{"access_token":"ACCESS_TOKEN","expires_in":7200}""", 0, null)]
    [InlineData("""{"errcode":0,"errmsg":"ok","ticket":"t","expires_in":7200}""", 0, "ok")]
    [InlineData("""{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest, rid: 1-2-3"}""", 40001, "invalid credential, access_token is invalid or not latest, rid: 1-2-3")]
    [InlineData("""{"errcode":"40029","errmsg":"invalid code"}""", 40029, "invalid code")]
    [InlineData("""{"errcode":" 40029 ","errmsg":"invalid code"}""", 40029, "invalid code")]
    [InlineData("""{"errcode":-1,"errmsg":"system error"}""", -1, "system error")]
    [InlineData("""{"errcode":null}""", 0, null)]
    [InlineData("""{"data":{"errcode":45009},"list":[{"errcode":1}],"errmsg":5,"errcode":45011}""", 45011, null)]
    [InlineData("\uFEFF{\"errcode\":45009,\"errmsg\":\"reach max api daily quota limit\"}", 45009, "reach max api daily quota limit")]
    [InlineData("""{"errmsg":"ok", "errcode":48001, }""", 48001, "ok")]
    public void Status_is_read_tolerantly(string json, int code, string? message)
    {
        var status = WeChatJson.ReadStatus(Encoding.UTF8.GetBytes(json));
        Assert.Equal(new WeChatStatus(code, message), status);
        Assert.Equal(code == 0, status.IsSuccess);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("\"errcode\"")]
    [InlineData("""{"errcode":40001""")]
    [InlineData("""{"errcode":40001,"errmsg":"x"} trailing""")]
    [InlineData("""{"errcode":"abc"}""")]
    [InlineData("""{"errcode":4.5}""")]
    [InlineData("""{"errcode":99999999999}""")]
    [InlineData("""{"errcode":true}""")]
    public void Anything_else_is_a_malformed_response(string body)
    {
        var status = WeChatJson.ReadStatus(Encoding.UTF8.GetBytes(body));
        Assert.Equal(WeChatErrorCodes.MalformedResponse, status.ErrCode);
        Assert.False(status.IsSuccess);
        Assert.Equal(WeChatErrorCategory.Retryable, status.Describe().Category);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_a_malformed_response()
    {
        Assert.Equal(WeChatErrorCodes.MalformedResponse, WeChatJson.ReadStatus([0x7B, 0xFF, 0xFE, 0x7D]).ErrCode);
    }
}
