using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using WxHub.Core.WeChat;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Credentials;
using WxHub.Server.Tests.Messages;

namespace WxHub.Server.Tests.Operations;

public sealed class MetricsTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Metrics_after_real_calls_count_tokens_refreshes_upstream_errors_and_quota_in_prometheus_text()
    {
        var healthy = await _hub.RegisterAppAsync();
        var blocked = await _hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        using var client = await _hub.KeyClientAsync(healthy, blocked);
        var token = (await client.AccessTokenAsync(healthy)).Str("access_token");
        await client.AccessTokenAsync(healthy);
        await client.GetAsync($"/v1/apps/{blocked}/access-token").ErrorAsync(HttpStatusCode.ServiceUnavailable);

        var scrape = await _hub.Admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.ToString());
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Contains("# TYPE wxhub_tokens_served_total counter", text);
        Assert.Equal(2, Prometheus.Value(text, "wxhub_tokens_served_total", $"appid=\"{healthy}\",kind=\"access_token\""));
        Assert.DoesNotContain($"wxhub_tokens_served_total{{appid=\"{blocked}\"", text);
        Assert.True(Prometheus.Value(text, "wxhub_refreshes_total", $"appid=\"{healthy}\",kind=\"access_token\",reason=\"startup\",result=\"succeeded\"")
            + Prometheus.Value(text, "wxhub_refreshes_total", $"appid=\"{healthy}\",kind=\"access_token\",reason=\"demand\",result=\"succeeded\"") >= 1);
        Assert.True(Prometheus.Value(text, "wxhub_refreshes_total", $"appid=\"{blocked}\",kind=\"access_token\",reason=\"demand\",result=\"failed\"")
            + Prometheus.Value(text, "wxhub_refreshes_total", $"appid=\"{blocked}\",kind=\"access_token\",reason=\"startup\",result=\"failed\"") >= 1);
        Assert.True(Prometheus.Value(text, "wxhub_upstream_errors_total", $"endpoint=\"{WeChatEndpoints.StableToken}\",errcode=\"40164\"") >= 1);
        Assert.True(Prometheus.Value(text, "wxhub_quota_used_total", $"appid=\"{healthy}\",endpoint=\"{WeChatEndpoints.StableToken}\"") >= 1);
        Assert.Contains("# TYPE wxhub_upstream_duration_seconds histogram", text);
        Assert.True(Prometheus.Value(text, "wxhub_upstream_duration_seconds_count", $"endpoint=\"{WeChatEndpoints.StableToken}\",outcome=\"answered\"") >= 2);
        Assert.Contains("wxhub_upstream_duration_seconds_bucket{endpoint=\"" + WeChatEndpoints.StableToken + "\",outcome=\"answered\",le=\"+Inf\"}", text);
        Assert.Equal(0, Prometheus.Value(text, "wxhub_outbox_depth", ""));

        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain(_hub.SecretOf(healthy), text);
    }

    [Fact]
    public async Task Metrics_after_real_callbacks_count_them_by_outcome_with_deliveries_and_the_outbox_depth()
    {
        const string appid = "wxmetrics00000001";
        await using var messages = await MessageServerHarness.StartAsync();
        await using var subscriber = await SubscriberServer.StartAsync();
        subscriber.Respond = _ => Task.FromResult(Results.StatusCode(503));
        var wechat = await messages.RegisterAppAsync(appid, EncodingAesKey.Generate());
        await messages.SubscribeAsync(appid, subscriber.Url, "async");

        var push = FakeWeChat.Text(7001, "hello");
        Assert.Equal(HttpStatusCode.OK, (await wechat.PushAsync(push, PushMode.Safe)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await wechat.PushAsync(push, PushMode.Safe)).StatusCode); // WeChat's retry
        Assert.False((await wechat.PushAsync(FakeWeChat.Text(7002, "forged"), PushMode.Safe, new Tampering(MsgSignature: "0000"))).IsSuccessStatusCode);
        await Eventually.True(() => subscriber.Received.Count >= 1, "the subscriber was tried once");

        string text = "";
        await Eventually.True(async () =>
        {
            text = await messages.Admin.GetStringAsync("/metrics");
            return Value(text, "wxhub_deliveries_total", $"appid=\"{appid}\",outcome=\"failed\"") >= 1;
        }, "the failed delivery is counted");
        Assert.Contains("# TYPE wxhub_callbacks_total counter", text);
        Assert.Equal(1, Value(text, "wxhub_callbacks_total", $"appid=\"{appid}\",outcome=\"accepted\""));
        Assert.Equal(1, Value(text, "wxhub_callbacks_total", $"appid=\"{appid}\",outcome=\"duplicate\""));
        Assert.Matches($"^wxhub_callbacks_total\\{{appid=\"{appid}\",outcome=\"rejected\",reason=\"[a-z_]+\"\\}} 1$", Line(text, "outcome=\"rejected\""));
        Assert.Contains("# TYPE wxhub_outbox_depth gauge", text);
        Assert.Equal(1, Value(text, "wxhub_outbox_depth", ""));
    }

    [Fact]
    public async Task Two_servers_in_one_process_export_only_their_own_measurements()
    {
        await using var other = await HubFixture.StartAsync();
        var appid = await other.RegisterAppAsync();
        using var client = await other.KeyClientAsync(appid);
        await client.AccessTokenAsync(appid);

        Assert.Contains(appid, await other.Admin.GetStringAsync("/metrics"));
        Assert.DoesNotContain(appid, await _hub.Admin.GetStringAsync("/metrics"));
    }

    private static string Line(string text, string containing) =>
        text.Split('\n').Single(line => line.StartsWith("wxhub_callbacks_total{", StringComparison.Ordinal) && line.Contains(containing, StringComparison.Ordinal));

    /// <summary>The value of the series <paramref name="name"/>{<paramref name="labels"/>}, or 0 when absent.</summary>
    private static double Value(string text, string name, string labels)
    {
        var series = labels.Length == 0 ? name : $"{name}{{{labels}}}";
        var match = Regex.Match(text, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
