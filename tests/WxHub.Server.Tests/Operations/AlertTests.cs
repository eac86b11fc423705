using System.Net;
using System.Text.Json.Nodes;
using WxHub.Core.WeChat;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Operations;

public sealed class AlertTests : IAsyncLifetime
{
    private SubscriberServer _receiver = null!;
    private HubFixture _hub = null!;

    public async Task InitializeAsync()
    {
        _receiver = await SubscriberServer.StartAsync();
        _hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = _receiver.Url.ToString(),
            ["Alerts:QuotaThreshold"] = "0.5",
            ["WeChat:DailyQuotas:StableToken"] = "4",
        });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_credential_entering_an_error_state_and_quota_passing_the_threshold_each_post_one_alert()
    {
        var appid = await _hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        using var client = await _hub.KeyClientAsync(appid);

        await client.GetAsync($"/v1/apps/{appid}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);
        await Eventually.True(() => Alerts("credential_error").Count == 1, "the webhook got the credential alert");
        var failing = Alerts("credential_error")[0];
        Assert.Equal(appid, failing["appid"]!.GetValue<string>());
        Assert.Equal("ip_not_whitelisted", failing["error"]!.GetValue<string>());
        Assert.Equal(40164, failing["errcode"]!.GetValue<int>());
        Assert.Contains("whitelist", failing["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_hub.SecretOf(appid), _receiver.Received[0].Body);

        // The scheduled retry after the operator backoff is the second of four allowed calls: 50 %.
        _hub.Clock.Advance(TimeSpan.FromHours(2));
        await Eventually.True(() => Alerts("quota_threshold").Count == 1, "the webhook got the quota alert");
        var quota = Alerts("quota_threshold")[0];
        Assert.Equal((appid, WeChatEndpoints.StableToken, 2, 4),
            (quota["appid"]!.GetValue<string>(), quota["endpoint"]!.GetValue<string>(), quota["used"]!.GetValue<int>(), quota["budget"]!.GetValue<int>()));
        // Still failing after the retry: no new credential alert.
        Assert.Single(Alerts("credential_error"));
    }

    private List<JsonNode> Alerts(string kind) =>
        _receiver.Received.Select(r => r.Json).Where(j => j["kind"]!.GetValue<string>() == kind).ToList();
}
