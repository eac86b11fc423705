using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WxHub.Protocol.Crypto;
using WxHub.Server.Tests.Logins;
using WxHub.Server.Tests.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Cluster;

/// <summary>
/// What must happen once holds across instances behind a load balancer: WeChat's retry of a push that lands on another
/// instance is answered from the first attempt and not delivered again, and a login started on one instance finishes on
/// another while its WeChat code, its state and its <c>wxhub_code</c> each work once cluster-wide.
/// </summary>
public sealed class ClusterSingleUseTests : IAsyncLifetime
{
        private const string Token = "clustertoken42";

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_push_retried_on_every_instance_is_delivered_once_and_each_attempt_gets_the_same_reply()
    {
        await using var cluster = await WxHubCluster.StartAsync(_database.ConnectionString, TimeSpan.FromHours(2), 3, new Dictionary<string, string>());
        await using var subscriber = await SubscriberServer.StartAsync();
        subscriber.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "hello from the shop" }));
        const string appid = "wxclusterpush0001";
        var admin = cluster.Instances[0].Admin;
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret = "push-secret", type = "official_account", token = Token })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/v1/admin/apps/{appid}/subscribers", new { url = subscriber.Url, secret = SubscriberServer.Secret, mode = "sync" })).StatusCode);

        // WeChat got no answer in time from the first instance and retries; the load balancer sends each retry elsewhere.
        var replies = new List<string?>();
        foreach (var instance in cluster.Instances)
        {
            using var client = new HttpClient { BaseAddress = instance.Address };
            var wechat = new FakeWeChat(client, appid, Token, key: null, TimeProvider.System);
            using var answer = await wechat.PushAsync(FakeWeChat.Text(7001, "one message"), PushMode.Plaintext);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            replies.Add(await wechat.ReplyAsync(answer, PushMode.Plaintext));
        }

        Assert.All(replies, reply => Assert.Contains("hello from the shop", reply));
        Assert.Single(subscriber.Received);
        var callback = Assert.Single(JsonNode.Parse(await admin.GetStringAsync($"/v1/admin/apps/{appid}/callbacks"))!.AsArray())!;
        Assert.Equal(2, callback["duplicates"]!.GetValue<int>());
        Assert.Single(JsonNode.Parse(await cluster.Instances[2].Admin.GetStringAsync($"/v1/admin/apps/{appid}/outbox"))!.AsArray());
    }

    [Fact]
    public async Task A_login_started_on_one_instance_finishes_on_another_and_its_codes_work_once_cluster_wide()
    {
        await using var cluster = await WxHubCluster.StartAsync(_database.ConnectionString, TimeSpan.FromHours(2), 3, new Dictionary<string, string>());
        const string appid = "wxclusterlogin001";
        await cluster.RegisterAppAsync(appid);
        var user = JsonNode.Parse(await (await cluster.EmulatorClient.PostAsJsonAsync("/__emulator/users", new { apps = new[] { appid } })).Content.ReadAsStringAsync())!;
        var openid = user["openids"]![appid]!.GetValue<string>();
        var keys = await cluster.KeyClientsAsync(appid);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var toWeChat = await browser.GetAsync(new Uri(cluster.Instances[0].Address, $"/oauth/{appid}/authorize?redirect_uri={Uri.EscapeDataString(LoginWorld.Business)}&scope=snsapi_base&state=cart7"));
        var wechatPage = LoginWorld.RedirectOf(toWeChat);
        using var approved = await browser.GetAsync(QueryHelpers.AddQueryString(wechatPage.GetLeftPart(UriPartial.Query), new Dictionary<string, string?>
        {
            ["emulator_approve"] = "1",
            ["emulator_user"] = user["id"]!.GetValue<string>(),
        }));
        // WeChat sends the person back to the first instance's callback; the load balancer picks the second.
        var callback = LoginWorld.RedirectOf(approved);
        Uri On(int instance) => new(cluster.Instances[instance].Address, callback.PathAndQuery);

        using var back = await browser.GetAsync(On(1));
        var landing = LoginWorld.RedirectOf(back);
        Assert.Equal(LoginWorld.Business, landing.GetLeftPart(UriPartial.Path));
        Assert.Equal("cart7", LoginWorld.Query(landing, "state"));
        var code = LoginWorld.Query(landing, "wxhub_code");

        // The same return replayed on the third instance: its state was used.
        using var replayed = await browser.GetAsync(On(2));
        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        Assert.Equal("state_used", JsonNode.Parse(await replayed.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());

        // The wxhub_code is exchanged on the third instance, and refused on the first.
        using var exchanged = await keys[2].PostAsJsonAsync("/v1/oauth/exchange", new { code });
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        Assert.Equal(openid, JsonNode.Parse(await exchanged.Content.ReadAsStringAsync())!["openid"]!.GetValue<string>());
        using var again = await keys[0].PostAsJsonAsync("/v1/oauth/exchange", new { code });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("invalid_code", JsonNode.Parse(await again.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }
}
