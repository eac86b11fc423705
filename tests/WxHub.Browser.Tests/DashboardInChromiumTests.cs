using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WxHub.Core.Components;
using WxHub.Core.Messages;
using static Microsoft.Playwright.Assertions;

namespace WxHub.Browser.Tests;

/// <summary>
/// The dashboard in a real browser against the real server and the emulator: signing in, an app's token counting down
/// in the page, a 40164 shown as the whitelist advice, a key created (shown once) and revoked; screenshots of each page.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardInChromiumTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private HubFixture _hub = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubFixture.StartAsync();
        _page = await chromium.NewPageAsync(_hub.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await _page.Context.DisposeAsync();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_and_sees_the_token_the_emulator_issued_count_down()
    {
        var appid = await _hub.RegisterAppAsync();
        await FetchTokenAsync(appid, HttpStatusCode.OK);

        await _page.GotoAsync("/");
        await Screenshots.SaveAsync(_page, "sign-in");
        await _page.GetByLabel("Admin key").FillAsync("not the key");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin key");

        await SignInAsync();
        var row = AccessTokenRow(appid);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("valid");
        // Rendered as 2h00m00s (7200 s, fetched now on the server's clock); the page's script counts it down.
        var countdown = row.Locator("[data-expires]");
        await Expect(countdown).ToHaveTextAsync("1h59m59s");
        await Expect(countdown).ToHaveTextAsync("1h59m58s");
        await Expect(row.Locator("td").Nth(3)).ToContainTextAsync(": succeeded");
    }

    [Fact]
    public async Task A_40164_from_the_emulator_turns_into_the_whitelist_advice()
    {
        var healthy = await _hub.RegisterAppAsync();
        var blocked = await _hub.RegisterAppAsync(ipWhitelist: ["203.0.113.9"]);
        await FetchTokenAsync(healthy, HttpStatusCode.OK);
        await FetchTokenAsync(blocked, HttpStatusCode.ServiceUnavailable);

        await SignInAsync();
        var row = AccessTokenRow(blocked);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("failing");
        await Expect(row.Locator(".fix")).ToContainTextAsync("errcode 40164");
        await Expect(row.Locator(".advice")).ToContainTextAsync("whitelist");
        await Expect(_page.Locator("#refresh-chart g[data-upstream]:not([data-upstream='0'])")).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(_page, "overview");
    }

    [Fact]
    public async Task An_operator_creates_a_key_sees_it_once_and_revokes_it()
    {
        var appid = await _hub.RegisterAppAsync();
        await SignInAsync();

        await _page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await _page.GetByLabel("Name").FillAsync("shop-backend");
        await _page.GetByLabel("Apps").FillAsync(appid);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = await _page.Locator("#created-key").TextContentAsync();
        Assert.StartsWith("wxk_", key);
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key!, appid));

        await _page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Expect(_page.Locator("#created-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key!, await _page.ContentAsync());

        var row = _page.Locator("#keys tr", new() { HasText = "shop-backend" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key!, appid));
        await Screenshots.SaveAsync(_page, "keys");
    }

    [Fact]
    public async Task A_platforms_authorizers_are_searched_in_the_page_and_callbacks_show_their_backlog()
    {
        var appid = await _hub.RegisterAppAsync();
        const string component = "wxcomponent0000042";
        (await _hub.Admin.PostAsJsonAsync("/v1/admin/components", new
        {
            component_appid = component, secret = "componentsecret0123456789abcdef", token = "platformtoken42",
            encoding_aes_key = WxHub.Protocol.Crypto.EncodingAesKey.Generate().Value,
        })).EnsureSuccessStatusCode();
        var now = _hub.Clock.GetUtcNow();
        var services = _hub.Server.Services;
        string[] names = ["Tea House", "Bakery", "Bookshop", "Flower Market", "Noodle Bar"];
        await services.GetRequiredService<IAuthorizerStore>().SaveGrantsAsync(
            Enumerable.Range(0, 120).Select(i => new Authorizer($"wxauth{i:D12}", component, AuthorizerStatus.Authorized, $"refresh-{i}", [1, 15],
                new AuthorizerProfile($"{names[i % names.Length]} {i}", AuthorizerProfile.OfficialAccount, null, null), now, now, null)).ToList(),
            "synced", null);
        await services.GetRequiredService<ISubscriberStore>().AddAsync(
            new Subscriber("sub_shop", appid, new Uri("http://127.0.0.1:9/hook"), "subscriber-secret-0123456789", ["*"], SubscriberMode.Async, now));
        await services.GetRequiredService<ICallbackStore>().AcceptAsync(
            new CallbackRecord("cb_1", appid, "1001", now, "text", null, "oUSER1", CallbackEncryption.Safe, PushFormat.Xml, "{}", CallbackOutcome.Acknowledged, null, 1),
            [new OutboxEntry("dl_1", appid, "cb_1", "sub_shop", DeliveryState.Pending, 3, now.AddHours(1), "HTTP 502 from the subscriber", now, null)]);

        await SignInAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = component }).ClickAsync();
        var rows = _page.Locator("#authorizers tr");
        await Expect(rows).ToHaveCountAsync(51); // a header and a page of 50
        await _page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(rows.Nth(1)).ToContainTextAsync("wxauth000000000050");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(21);
        await Expect(_page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);
        await _page.GetByRole(AriaRole.Link, new() { Name = "First page" }).ClickAsync();
        await Expect(rows.Nth(1)).ToContainTextAsync("wxauth000000000000");

        await _page.GetByLabel("Appid or name starts with").FillAsync("tea house");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(25); // 24 Tea Houses and the header
        await _page.GetByLabel("Appid or name starts with").FillAsync("wxauth00000000010");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(11);
        await _page.GetByLabel("Appid or name starts with").FillAsync("");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(51);
        await Screenshots.SaveAsync(_page, "platform");

        await _page.GetByRole(AriaRole.Link, new() { Name = "Callbacks" }).First.ClickAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = appid }).ClickAsync();
        await Expect(_page.Locator("#backlog")).ToHaveTextAsync("1");
        await Expect(_page.Locator("#callbacks")).ToContainTextAsync("acknowledged");
        await Screenshots.SaveAsync(_page, "callbacks");
    }

    private async Task SignInAsync()
    {
        await _page.GotoAsync("/");
        await _page.GetByLabel("Admin key").FillAsync(HubFixture.AdminKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
    }

    private ILocator AccessTokenRow(string appid) =>
        _page.Locator($"h3[id='{appid}'] + table tr", new() { HasText = "AccessToken" });

    private async Task FetchTokenAsync(string appid, HttpStatusCode expected)
    {
        using var client = await _hub.KeyClientAsync(appid);
        using var response = await client.GetAsync($"/v1/apps/{appid}/access-token");
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<HttpStatusCode> StatusWithKeyAsync(string key, string appid)
    {
        using var response = await _hub.Client(key).GetAsync($"/v1/apps/{appid}/access-token");
        return response.StatusCode;
    }
}
