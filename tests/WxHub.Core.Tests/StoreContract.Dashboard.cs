using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;

namespace WxHub.Core.Tests;

/// <summary>What the dashboard reads: authorizer search with keyset paging, refreshes by hour, quota by day, backlog by account.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Authorizers_are_found_by_appid_or_name_prefix_ignoring_name_case_a_page_at_a_time()
    {
        var grants = Enumerable.Range(0, 30).Select(i => Grant($"wxs{i:D3}", $"refresh-{i}")).ToList();
        await Authorizers.SaveGrantsAsync(grants, "synced", null);
        await Authorizers.SaveGrantsAsync([Grant("wxother", "refresh-o", component: "wx-other-component")], "synced", null);
        for (var i = 0; i < 30; i += 3)
            await Authorizers.SaveProfileAsync($"wxs{i:D3}", new AuthorizerProfile($"Tea House {i}", AuthorizerProfile.OfficialAccount, null, null), [1]);
        await Authorizers.SaveProfileAsync("wxs001", new AuthorizerProfile("Ünïcode Café", AuthorizerProfile.MiniProgram, null, null), [1]);
        await Authorizers.SaveProfileAsync("wxother", new AuthorizerProfile("Tea House elsewhere", AuthorizerProfile.OfficialAccount, null, null), [1]);

        Assert.Equal(["wxs010", "wxs011", "wxs012"], (await Authorizers.SearchAsync("wx-component", "wxs01", null, 3)).Select(a => a.Appid));
        Assert.Equal(["wxs013", "wxs014", "wxs015"], (await Authorizers.SearchAsync("wx-component", "wxs01", "wxs012", 3)).Select(a => a.Appid));
        Assert.Equal(["wxs018", "wxs019"], (await Authorizers.SearchAsync("wx-component", "wxs01", "wxs017", 3)).Select(a => a.Appid));

        // Names match from their start, whatever the case; the other platform's authorizers never.
        var tea = await Authorizers.SearchAsync("wx-component", "tea HOUSE", null, 100);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"wxs{i * 3:D3}"), tea.Select(a => a.Appid));
        Assert.Equal(["wxs012", "wxs015"], (await Authorizers.SearchAsync("wx-component", "tea house", "wxs009", 2)).Select(a => a.Appid));
        Assert.Equal(["wxs001"], (await Reopen().Authorizers.SearchAsync("wx-component", "ÜNÏ", null, 10)).Select(a => a.Appid));
        Assert.Empty(await Authorizers.SearchAsync("wx-component", "house", null, 10));
        Assert.Empty(await Authorizers.SearchAsync("wx-component", "wxs9", null, 10));

        // A name that starts like an appid: both halves match, each authorizer once.
        await Authorizers.SaveProfileAsync("wxs029", new AuthorizerProfile("wxs00 lookalike", AuthorizerProfile.OfficialAccount, null, null), [1]);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"wxs{i:D3}").Append("wxs029"), (await Authorizers.SearchAsync("wx-component", "wxs00", null, 20)).Select(a => a.Appid));
    }

    [Fact]
    public async Task Refresh_attempts_are_counted_by_hour_since_a_given_instant()
    {
        var a = new CredentialKey("wx-h1", CredentialKind.AccessToken);
        var b = new CredentialKey("wx-h2", CredentialKind.JsapiTicket);
        await Events.AddAsync(new RefreshEvent(a, T0.AddMinutes(-5), RefreshReason.Startup, RefreshOutcome.Succeeded, null, null));
        await Events.AddAsync(new RefreshEvent(a, T0.AddMinutes(5), RefreshReason.Startup, RefreshOutcome.Succeeded, null, null));
        await Events.AddAsync(new RefreshEvent(b, T0.AddMinutes(59), RefreshReason.Demand, RefreshOutcome.Failed, 40164, "ip"));
        await Events.AddAsync(new RefreshEvent(b, T0.AddMinutes(30), RefreshReason.Demand, RefreshOutcome.Failed, null, "unreachable"));
        await Events.AddAsync(new RefreshEvent(a, T0.AddHours(2).AddMinutes(1), RefreshReason.Schedule, RefreshOutcome.Succeeded, null, null));

        Assert.Equal(
            [new RefreshHour(T0, 1, 2, 1), new RefreshHour(T0.AddHours(2), 1, 0, 0)],
            await Reopen().Events.CountByHourAsync(T0));
    }

    [Fact]
    public async Task The_days_calls_are_listed_per_endpoint()
    {
        var day = new DateOnly(2026, 1, 1);
        await Quotas.IncrementAsync("wx-qd", "/cgi-bin/stable_token", day);
        await Quotas.IncrementAsync("wx-qd", "/cgi-bin/stable_token", day);
        await Quotas.IncrementAsync("wx-qd", "/cgi-bin/ticket/getticket", day);
        await Quotas.IncrementAsync("wx-qd", "/cgi-bin/ticket/getticket", day.AddDays(1));
        await Quotas.IncrementAsync("wx-other", "/cgi-bin/token", day);

        var listed = await Quotas.ListDayAsync("wx-qd", day);
        Assert.Equal(new Dictionary<string, long> { ["/cgi-bin/stable_token"] = 2, ["/cgi-bin/ticket/getticket"] = 1 }, listed);
        Assert.Empty(await Quotas.ListDayAsync("wx-none", day));
    }

    [Fact]
    public async Task The_backlog_is_counted_per_account()
    {
        await Apps.AddAsync(App("wx-b1"));
        await Subscribers.AddAsync(Subscriber("wx-b1"));
        await Callbacks.AcceptAsync(Callback("wx-b1", "1"),
            [Entry("wx-b1", "cb_1", "sub_1", "dl_1"), Entry("wx-b1", "cb_1", "sub_1", "dl_2", DeliveryState.InFlight), Entry("wx-b1", "cb_1", "sub_1", "dl_3")]);
        await Outbox.MarkDeliveredAsync("dl_1", T0);

        Assert.Equal(new Dictionary<string, long> { ["wx-b1"] = 2 }, await Outbox.CountUndeliveredByAppAsync());
    }
}
