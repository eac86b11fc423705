using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Identity;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;

namespace WxHub.Server.Tests.Logins;

public sealed class UserDirectoryTests : IAsyncLifetime
{
    private LoginWorld _world = null!;

    public async Task InitializeAsync() =>
        _world = await LoginWorld.StartAsync(new Dictionary<string, string?> { ["OAuth:ProfileLifetime"] = "00:30:00" });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task One_person_following_two_accounts_and_signing_in_to_a_website_resolves_to_one_unionid()
    {
        var service = await _world.AppAsync("official_account");
        var subscription = await _world.AppAsync("official_account");
        var site = await _world.AppAsync("website");
        var (kim, openids, unionids) = await _world.UserAsync("kim", service, subscription, site);
        var unionid = unionids[LoginWorld.OpenAccount]!.GetValue<string>();
        using var all = await _world.Hub.KeyClientAsync(service, subscription, site);

        // The website learns the unionid at QR login; the accounts through /cgi-bin/user/info, asked once and kept.
        var signIn = await all.PostAsJsonAsync("/v1/oauth/exchange", new { code = LoginWorld.Query(await _world.SignInAsync(site, kim, "snsapi_login"), "wxhub_code") }).OkAsync();
        Assert.Equal(unionid, signIn.Str("unionid"));
        foreach (var oa in new[] { service, subscription })
        {
            var user = await all.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
            Assert.Equal((unionid, 1), (user.Str("unionid"), user["user"]!["subscribe"]!.GetValue<int>()));
            await all.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
            Assert.Equal(1, await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info", oa));
        }

        var person = await all.GetAsync($"/v1/users/by-unionid/{unionid}").OkAsync();
        Assert.Equal(unionid, person.Str("unionid"));
        Assert.Equal(
            new[] { service, subscription, site }.Select(a => $"{a}/{openids[a]}").Order(),
            person["identities"]!.AsArray().Select(i => $"{i!.Str("appid")}/{i!.Str("openid")}").Order());

        // A key sees only the pairs of its apps, and nothing of a person it has no app of.
        using var siteOnly = await _world.Hub.KeyClientAsync(site);
        var seen = await siteOnly.GetAsync($"/v1/users/by-unionid/{unionid}").OkAsync();
        Assert.Equal([site], seen["identities"]!.AsArray().Select(i => i!.Str("appid")));
        using var stranger = await _world.Hub.KeyClientAsync(await _world.AppAsync("official_account"));
        await stranger.GetAsync($"/v1/users/by-unionid/{unionid}").ErrorAsync(HttpStatusCode.NotFound);
        await stranger.GetAsync($"/v1/apps/{service}/users/{openids[service]}").ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_sender_of_a_callback_is_recorded_and_gains_the_unionid_at_its_first_lookup()
    {
        const string token = "callbacktok42";
        var appid = "wxlcallback000001";
        var secret = "secret-callback";
        (await _world.Hub.EmulatorClient.PostAsJsonAsync("/__emulator/apps", new
        {
            appid, secret, type = "official_account", open_account = LoginWorld.OpenAccount, token, mode = "plaintext",
            callback_url = new Uri(_world.Hub.Server.Address, $"/wechat/callback/{appid}").AbsoluteUri,
        })).EnsureSuccessStatusCode();
        (await _world.Hub.Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret, type = "official_account", token })).EnsureSuccessStatusCode();
        var (_, openids, unionids) = await _world.UserAsync("nina", appid);
        var openid = openids[appid]!.GetValue<string>();

        var pushed = await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{appid}/push", new { msg_type = "text", from = openid, content = "hi" }).OkAsync();
        Assert.Equal(200, pushed["http_status"]!.GetValue<int>());

        var seen = await _world.Hub.Server.Services.GetRequiredService<IUserDirectoryStore>().GetAsync(appid, openid);
        Assert.NotNull(seen);
        Assert.Null(seen.Unionid);
        using var key = await _world.Hub.KeyClientAsync(appid);
        var user = await key.GetAsync($"/v1/apps/{appid}/users/{openid}").OkAsync();
        Assert.Equal(unionids[LoginWorld.OpenAccount]!.GetValue<string>(), user.Str("unionid"));
    }

    [Fact]
    public async Task An_unknown_openid_is_a_404_and_profiles_are_asked_again_once_they_are_older_than_the_profile_lifetime()
    {
        var oa = await _world.AppAsync("official_account");
        var (_, openids, _) = await _world.UserAsync("lena", oa);
        using var key = await _world.Hub.KeyClientAsync(oa);

        var unknown = await key.GetAsync($"/v1/apps/{oa}/users/o-not-a-follower").ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("user_not_found", unknown.Str("error"));

        await key.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
        _world.Hub.Clock.Advance(TimeSpan.FromMinutes(29));
        await key.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
        Assert.Equal(2, await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info", oa));
        _world.Hub.Clock.Advance(TimeSpan.FromMinutes(2));
        await key.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
        Assert.Equal(3, await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info", oa));
    }

    [Fact]
    public async Task A_backfill_interrupted_after_three_batches_resumes_where_it_stopped_and_records_every_follower_once()
    {
        const int followers = 1_000;
        var oa = await _world.AppAsync("official_account");
        _world.Hub.Emulator.LoadSeed(new JsonObject
        {
            ["users"] = new JsonArray(Enumerable.Range(0, followers).Select(i => (JsonNode)new JsonObject { ["id"] = $"f{i}", ["apps"] = new JsonArray(oa) }).ToArray()),
        }.ToJsonString());

        // The first run stops (as at Ctrl-C) once three batches of 100 are saved.
        var backfill = _world.Hub.Server.Services.GetRequiredService<FollowerBackfill>();
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backfill.RunAsync(oa, restart: false, progress =>
        {
            if (progress.Recorded == 300) stop.Cancel();
        }, stop.Token));

        var interrupted = await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync();
        Assert.Equal(("interrupted", 300, 1000), (interrupted.Str("state"), interrupted["recorded"]!.GetValue<int>(), interrupted["total"]!.GetValue<int>()));

        using (var resumed = await _world.Hub.Admin.PostAsync($"/v1/admin/apps/{oa}/users/backfill", null))
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        await Eventually.True(async () => (await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync()).Str("state") == "completed", "the backfill completes");

        var done = await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync();
        Assert.Equal(followers, done["recorded"]!.GetValue<int>());
        Assert.Equal(followers, await _world.Hub.Server.Services.GetRequiredService<IUserDirectoryStore>().CountAsync(oa));
        // Resuming re-read the page but not the 300 followers already recorded: 10 batches, plus at most the one cut short.
        Assert.InRange(await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info/batchget", oa), followers / 100, followers / 100 + 1);
        Assert.Equal(0, await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info", oa));

        using var key = await _world.Hub.KeyClientAsync(oa);
        var (_, openids, unionids) = await _world.UserAsync($"f{followers - 1}", oa);
        var last = await key.GetAsync($"/v1/apps/{oa}/users/{openids[oa]}").OkAsync();
        Assert.Equal(unionids[LoginWorld.OpenAccount]!.GetValue<string>(), last.Str("unionid"));
        Assert.Equal(0, await _world.Hub.UpstreamCallsAsync("/cgi-bin/user/info", oa));
    }

    [Fact]
    public async Task A_backfill_stopped_by_wechats_quota_says_how_to_resume_and_only_official_accounts_have_followers()
    {
        var oa = await _world.AppAsync("official_account");
        await _world.UserAsync("m1", oa);
        await _world.Hub.InjectFaultAsync(new { path = "/cgi-bin/user/info/batchget", appid = oa, errcode = 45009, count = 1 });

        Assert.Equal(HttpStatusCode.Accepted, (await _world.Hub.Admin.PostAsync($"/v1/admin/apps/{oa}/users/backfill", null)).StatusCode);
        await Eventually.True(async () => (await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync()).Str("state") == "failed", "the backfill fails");
        var failed = await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync();
        Assert.Contains("45009", failed.Str("error"));
        Assert.Contains("resume", failed.Str("error"));

        Assert.Equal(HttpStatusCode.Accepted, (await _world.Hub.Admin.PostAsync($"/v1/admin/apps/{oa}/users/backfill", null)).StatusCode);
        await Eventually.True(async () => (await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{oa}/users/backfill").OkAsync()).Str("state") == "completed", "the resumed backfill completes");

        var mini = await _world.AppAsync("mini_program");
        var wrong = await _world.Hub.Admin.PostAsync($"/v1/admin/apps/{mini}/users/backfill", null).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("wrong_app_type", wrong.Str("error"));
        await _world.Hub.Admin.GetAsync($"/v1/admin/apps/{mini}/users/backfill").ErrorAsync(HttpStatusCode.NotFound);
        await _world.Hub.Admin.DeleteAsync($"/v1/admin/apps/{oa}/users/backfill").ErrorAsync(HttpStatusCode.NotFound);
    }
}
