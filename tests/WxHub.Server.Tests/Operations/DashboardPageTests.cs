using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;
using WxHub.Server.Tests.Components;

namespace WxHub.Server.Tests.Operations;

/// <summary>The dashboard's platform and callback pages on a real server whose store holds what the pages list.</summary>
public sealed class DashboardPageTests : IAsyncLifetime
{
    private HubFixture _hub = null!;
    private DashboardBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubFixture.StartAsync();
        _browser = new DashboardBrowser(_hub.Server.Address);
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task A_platforms_authorizers_are_searched_and_paged_with_their_token_states()
    {
        var platform = await Platform.StartAsync(_hub);
        await platform.RegisterAccountAsync("wxtea0000000000001", "Tea House North");
        await platform.RegisterAccountAsync("wxtea0000000000002", "tea house south");
        await platform.AuthorizeByControlAsync("wxtea0000000000001");
        await platform.AuthorizeByControlAsync("wxtea0000000000002");
        // Enough stored grants for two pages more (their tokens were never fetched: "missing").
        var t0 = _hub.Clock.GetUtcNow();
        await _hub.Server.Services.GetRequiredService<IAuthorizerStore>().SaveGrantsAsync(
            Enumerable.Range(0, 2 * 50).Select(i => new Authorizer($"wxbulk{i:D12}", Platform.Appid, AuthorizerStatus.Authorized, $"refresh-{i}", [1], null, t0, t0, null)).ToList(),
            "synced", null);

        await _browser.SignInAsync(HubFixture.AdminKey);
        Assert.Contains($"<a href=\"/platforms/{Platform.Appid}\">{Platform.Appid}</a></td><td>102</td><td>0</td>", _browser.Page);

        var first = await _browser.GetAsync($"/platforms/{Platform.Appid}");
        Assert.Contains("102 authorized, 0 revoked.", first);
        Assert.Matches("<tr><td>ComponentAccessToken</td><td class=\"valid\">valid</td><td><span data-expires=", first);
        Assert.Equal(50, Rows(first).Count);
        Assert.Equal("wxbulk000000000000", Rows(first)[0]);
        var next = Regex.Match(first, "rel=\"next\" href=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
        Assert.Equal($"/platforms/{Platform.Appid}?after=wxbulk000000000049", next);

        var second = await _browser.GetAsync(next);
        Assert.Equal(Enumerable.Range(50, 50).Select(i => $"wxbulk{i:D12}"), Rows(second));
        var third = await _browser.GetAsync(Regex.Match(second, "rel=\"next\" href=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&"));
        Assert.Equal(["wxtea0000000000001", "wxtea0000000000002"], Rows(third));
        Assert.DoesNotContain("rel=\"next\"", third);
        // The authorized accounts' tokens came with their authorization and count down; the bulk ones were never fetched.
        Assert.Matches("<tr><td>wxtea0000000000001</td><td>Tea House North</td><td>authorized</td><td class=\"valid\">valid</td><td><span data-expires=\"\\d+\"", third);
        Assert.Contains("<td>wxbulk000000000050</td><td></td><td>authorized</td><td class=\"missing\">missing</td>", second);

        var byName = await _browser.GetAsync($"/platforms/{Platform.Appid}?q=TEA+HOUSE");
        Assert.Equal(["wxtea0000000000001", "wxtea0000000000002"], Rows(byName));
        Assert.Contains("value=\"TEA HOUSE\"", byName);
        Assert.Equal(["wxbulk000000000010", "wxbulk000000000011"], Rows(await _browser.GetAsync($"/platforms/{Platform.Appid}?q=wxbulk00000000001&after=wxbulk000000000009")).Take(2));
        Assert.Contains("No authorizer matches.", await _browser.GetAsync($"/platforms/{Platform.Appid}?q=nobody"));
    }

    [Fact]
    public async Task Callbacks_show_their_outcome_and_the_outbox_backlog_with_the_last_delivery_error()
    {
        var appid = await _hub.RegisterAppAsync();
        var now = _hub.Clock.GetUtcNow();
        var services = _hub.Server.Services;
        await services.GetRequiredService<ISubscriberStore>().AddAsync(
            new Subscriber("sub_shop", appid, new Uri("http://127.0.0.1:9/hook"), "subscriber-secret-0123456789", ["*"], SubscriberMode.Async, now));
        var callbacks = services.GetRequiredService<ICallbackStore>();
        // Due in an hour, so the dispatcher leaves the entries as they are while the page is read.
        await callbacks.AcceptAsync(
            new CallbackRecord("cb_1", appid, "1001", now, "text", null, "oUSER1", CallbackEncryption.Safe, PushFormat.Xml, "{}", CallbackOutcome.Acknowledged, null, 2),
            [new OutboxEntry("dl_1", appid, "cb_1", "sub_shop", DeliveryState.Pending, 3, now.AddHours(1), "HTTP 502 from the subscriber", now, null)]);
        await callbacks.AcceptAsync(
            new CallbackRecord("cb_2", appid, "1002", now, "event", "subscribe", "oUSER2", CallbackEncryption.Safe, PushFormat.Xml, "{}", CallbackOutcome.Replied, "<xml/>", 0),
            [new OutboxEntry("dl_2", appid, "cb_2", "sub_shop", DeliveryState.Pending, 0, now.AddHours(1), null, now, null)]);

        await _browser.SignInAsync(HubFixture.AdminKey);
        Assert.Contains($"<td><a href=\"/callbacks/{appid}\">{appid}</a></td><td>2</td>", await _browser.GetAsync("/callbacks"));

        var page = await _browser.GetAsync($"/callbacks/{appid}");
        Assert.Contains("<strong id=\"backlog\">2</strong>", page);
        Assert.Contains("<td>text</td><td>oUSER1</td><td class=\"outcome-acknowledged\">acknowledged</td><td>2</td>", page);
        Assert.Contains("<td>event / subscribe</td><td>oUSER2</td><td class=\"outcome-replied\">replied</td>", page);
        Assert.Contains("<td>dl_1</td><td>sub_shop</td><td>pending</td><td>3</td>", page);
        Assert.Contains("HTTP 502 from the subscriber", page);
    }

    [Theory]
    [InlineData(89503, "approve the notice")]
    [InlineData(61023, "authorize again")]
    [InlineData(61006, "component_verify_ticket")]
    public async Task Each_errcode_an_operator_must_act_on_shows_its_fix(int errcode, string fix)
    {
        var appid = await _hub.RegisterAppAsync();
        using (var client = await _hub.KeyClientAsync(appid))
            (await client.GetAsync($"/v1/apps/{appid}/access-token")).EnsureSuccessStatusCode();
        // The token was fetched (its refresh recorded); now the latest attempt is the one WeChat refused.
        await _hub.Server.Services.GetRequiredService<IRefreshEventStore>().AddAsync(new RefreshEvent(
            new CredentialKey(appid, CredentialKind.AccessToken), _hub.Clock.GetUtcNow(), RefreshReason.Schedule, RefreshOutcome.Failed, errcode, "WeChat said no"));

        await _browser.SignInAsync(HubFixture.AdminKey);
        var row = Regex.Match(_browser.Page, $"<h3 id=\"{appid}\">.*?<tr><td>AccessToken</td>(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("class=\"failing\">failing", row);
        Assert.Contains($"errcode {errcode}", row);
        Assert.Matches($"Fix: [^<]*{fix}", row);
    }

    /// <summary>The appids of the authorizers table, in order.</summary>
    private static List<string> Rows(string page)
    {
        var table = Regex.Match(page, "<table id=\"authorizers\">.*?</table>", RegexOptions.Singleline).Value;
        return Regex.Matches(table, "<tr><td>([^<]+)</td>").Select(m => m.Groups[1].Value).ToList();
    }
}
