using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Identity;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;

namespace WxHub.Core.Tests;

/// <summary>What every implementation of the login and directory stores must do (SQLite now, PostgreSQL in the cluster).</summary>
public abstract class LoginStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract IOAuthStore OAuth { get; }
    protected abstract IOAuthGrantStore Grants { get; }
    protected abstract IMiniProgramSessionStore Sessions { get; }
    protected abstract IUserDirectoryStore Directory { get; }
    protected abstract IBackfillStore Backfills { get; }

    /// <summary>A second view of the same storage, as after a restart or from another instance.</summary>
    protected abstract LoginStoreContract Reopen();

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    [Fact]
    public async Task A_pending_authorization_is_taken_once_and_never_after_it_expires()
    {
        var pending = new PendingAuthorization("n1", "wxA", null, "snsapi_base", "https://biz/cb", "biz-state", T0.AddMinutes(10));
        await OAuth.AddPendingAsync(pending);
        await OAuth.AddPendingAsync(pending with { Nonce = "n2" });

        Assert.Equal(pending, await Reopen().OAuth.TakePendingAsync("n1", T0));
        Assert.Null(await OAuth.TakePendingAsync("n1", T0));
        Assert.Null(await OAuth.TakePendingAsync("n2", T0.AddMinutes(10)));
        Assert.Null(await OAuth.TakePendingAsync("unknown", T0));
    }

    [Fact]
    public async Task A_wechat_code_is_accepted_once_per_app()
    {
        Assert.True(await OAuth.TryUseCodeAsync("wxA", Hash("code-1"), T0));
        Assert.False(await Reopen().OAuth.TryUseCodeAsync("wxA", Hash("code-1"), T0.AddSeconds(1)));
        Assert.True(await OAuth.TryUseCodeAsync("wxB", Hash("code-1"), T0));

        await OAuth.PurgeAsync(T0.AddDays(2), usedCodesBefore: T0.AddDays(1));
        Assert.True(await OAuth.TryUseCodeAsync("wxA", Hash("code-1"), T0.AddDays(2)));
    }

    [Fact]
    public async Task A_sign_in_is_found_until_redeemed_once_or_expired()
    {
        var signIn = new SignIn("wxA", "openid-1", "union-1", "snsapi_userinfo", new WeChatUser { Nickname = "Ann", Sex = 2, Privilege = ["p"] });
        await OAuth.AddSignInAsync(Hash("wxc-1"), signIn, T0.AddMinutes(5));
        await OAuth.AddSignInAsync(Hash("wxc-2"), signIn with { User = null }, T0.AddMinutes(5));

        var found = await Reopen().OAuth.FindSignInAsync(Hash("wxc-1"), T0);
        Assert.Equal(("wxA", "openid-1", "union-1", "snsapi_userinfo"), (found!.Appid, found.Openid, found.Unionid, found.Scope));
        Assert.Equal(("Ann", 2), (found.User!.Nickname, found.User.Sex));
        Assert.Equal(["p"], found.User.Privilege!);

        Assert.True(await OAuth.RedeemSignInAsync(Hash("wxc-1"), T0));
        Assert.False(await OAuth.RedeemSignInAsync(Hash("wxc-1"), T0));
        Assert.Null(await OAuth.FindSignInAsync(Hash("wxc-1"), T0));

        Assert.Null((await OAuth.FindSignInAsync(Hash("wxc-2"), T0))!.User);
        Assert.Null(await OAuth.FindSignInAsync(Hash("wxc-2"), T0.AddMinutes(5)));
        Assert.False(await OAuth.RedeemSignInAsync(Hash("wxc-2"), T0.AddMinutes(5)));
    }

    [Fact]
    public async Task Redirect_prefixes_are_replaced_per_app()
    {
        Assert.Empty(await OAuth.GetRedirectPrefixesAsync("wxA"));
        await OAuth.SetRedirectPrefixesAsync("wxA", ["https://b/", "https://a/x", "https://a/x"]);
        await OAuth.SetRedirectPrefixesAsync("wxB", ["https://c/"]);
        Assert.Equal(["https://a/x", "https://b/"], await Reopen().OAuth.GetRedirectPrefixesAsync("wxA"));
        await OAuth.SetRedirectPrefixesAsync("wxA", []);
        Assert.Empty(await OAuth.GetRedirectPrefixesAsync("wxA"));
        Assert.Equal(["https://c/"], await OAuth.GetRedirectPrefixesAsync("wxB"));
    }

    [Fact]
    public async Task Grants_are_replaced_per_user_and_keep_their_tokens()
    {
        var grant = new OAuthGrant("wxA", "openid-1", null, "snsapi_userinfo", "access-1", T0.AddHours(2), "refresh-1", T0.AddDays(30));
        await Grants.SaveAsync(grant);
        await Grants.SaveAsync(grant with { AccessToken = "access-2", ComponentAppid = "wxC" });
        Assert.Equal(grant with { AccessToken = "access-2", ComponentAppid = "wxC" }, await Reopen().Grants.GetAsync("wxA", "openid-1"));
        Assert.Null(await Grants.GetAsync("wxA", "openid-2"));
    }

    [Fact]
    public async Task A_session_belongs_to_its_app_and_ends_when_it_expires()
    {
        var session = new MiniProgramSession("s1", "wxM", "openid-1", "union-1", "tiihtNczf5v6AKRyjwEUhQ==", T0, T0.AddDays(1));
        await Sessions.AddAsync(session);
        Assert.Equal(session, await Reopen().Sessions.GetAsync("wxM", "s1", T0));
        Assert.Null(await Sessions.GetAsync("wxOther", "s1", T0));
        Assert.Null(await Sessions.GetAsync("wxM", "s1", T0.AddDays(1)));

        await Sessions.PurgeAsync(T0.AddDays(1));
        Assert.Null(await Sessions.GetAsync("wxM", "s1", T0));
    }

    [Fact]
    public async Task Sightings_add_to_what_the_directory_knows_and_never_erase_it()
    {
        await Directory.RecordAsync([new IdentitySighting("wxA", "oA")], T0);
        var first = await Directory.GetAsync("wxA", "oA");
        Assert.Equal(new UserIdentity("wxA", "oA", null, null, null, T0, T0), first);

        var profile = new WeChatUser { Openid = "oA", Nickname = "Ann", Subscribe = 1, TagIds = [2, 3] };
        await Directory.RecordAsync([new IdentitySighting("wxA", "oA", "u1", profile)], T0.AddHours(1));
        await Directory.RecordAsync([new IdentitySighting("wxA", "oA")], T0.AddHours(2));

        var known = await Reopen().Directory.GetAsync("wxA", "oA");
        Assert.Equal(("u1", T0.AddHours(1), T0, T0.AddHours(2)), (known!.Unionid, known.ProfileFetchedAt, known.FirstSeenAt, known.UpdatedAt));
        Assert.Equal(("Ann", 1), (known.Profile!.Nickname, known.Profile.Subscribe));
        Assert.Equal([2, 3], known.Profile.TagIds!);
    }

    [Fact]
    public async Task A_unionid_finds_every_pair_of_the_person()
    {
        await Directory.RecordAsync(
        [
            new IdentitySighting("wxB", "oB", "u1"),
            new IdentitySighting("wxA", "oA", "u1"),
            new IdentitySighting("wxW", "oW", "u1"),
            new IdentitySighting("wxA", "oOther", "u2"),
            new IdentitySighting("wxA", "oNone"),
        ], T0);

        Assert.Equal(["wxA/oA", "wxB/oB", "wxW/oW"], (await Directory.FindByUnionidAsync("u1")).Select(i => $"{i.Appid}/{i.Openid}"));
        Assert.Empty(await Directory.FindByUnionidAsync("u3"));
        Assert.Equal(3, await Directory.CountAsync("wxA"));
    }

    [Fact]
    public async Task Backfill_progress_is_saved_and_replaced()
    {
        Assert.Null(await Backfills.GetAsync("wxA"));
        var progress = new BackfillProgress("wxA", BackfillState.Running, null, 0, null, 0, T0, T0, null);
        await Backfills.SaveAsync(progress);
        var later = progress with { PageCursor = "o10000", PageOffset = 300, Total = 50_000, Recorded = 10_300, UpdatedAt = T0.AddMinutes(1), State = BackfillState.Failed, Error = "45009" };
        await Backfills.SaveAsync(later);
        Assert.Equal(later, await Reopen().Backfills.GetAsync("wxA"));
    }

    [Fact]
    public async Task A_backfill_batch_is_recorded_with_the_progress_that_counts_it()
    {
        var progress = new BackfillProgress("wxA", BackfillState.Running, null, 2, 3, 2, T0, T0.AddMinutes(1), null);
        await Backfills.SaveAsync(progress, [new IdentitySighting("wxA", "o1", "u1", new WeChatUser { Subscribe = 1 }), new IdentitySighting("wxA", "o2")]);

        var reopened = Reopen();
        Assert.Equal(progress, await reopened.Backfills.GetAsync("wxA"));
        Assert.Equal(2, await reopened.Directory.CountAsync("wxA"));
        var first = await reopened.Directory.GetAsync("wxA", "o1");
        Assert.Equal(("u1", 1, T0.AddMinutes(1)), (first!.Unionid, first.Profile!.Subscribe, first.ProfileFetchedAt));
    }
}
