using WxHub.Protocol.Requests;

namespace WxHub.Protocol.Tests;

public sealed class CredentialQueryTests
{
    [Theory]
    [InlineData("", "?access_token=T")]
    [InlineData("?openid=o1&lang=zh_CN", "?openid=o1&lang=zh_CN&access_token=T")]
    [InlineData("access_token=old&openid=o1", "?openid=o1&access_token=T")]
    [InlineData("openid=o1&ACCESS_TOKEN=x&component_access_token=y&access%5Ftoken=z", "?openid=o1&access_token=T")]
    [InlineData("a=%2F%20b&&c", "?a=%2F%20b&c&access_token=T")]
    public void With_replaces_every_credential_and_keeps_the_rest_as_sent(string query, string expected) =>
        Assert.Equal(expected, CredentialQuery.With(query, CredentialQuery.AccessToken, "T"));

    [Fact]
    public void With_escapes_the_value()
    {
        Assert.Equal("?component_access_token=a%2Bb%2Fc%3D", CredentialQuery.With("", CredentialQuery.ComponentAccessToken, "a+b/c="));
    }

    [Theory]
    [InlineData("openid=o&access_token=abc", "abc")]
    [InlineData("access_token=&access_token=a%2Bb", "a+b")]
    [InlineData("access_token", null)]
    [InlineData("xaccess_token=1", null)]
    [InlineData("", null)]
    public void Find_reads_the_first_non_empty_value_decoded(string query, string? expected) =>
        Assert.Equal(expected, CredentialQuery.Find(query, CredentialQuery.AccessToken));
}
