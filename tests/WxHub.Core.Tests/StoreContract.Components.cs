using WxHub.Core.Components;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;

namespace WxHub.Core.Tests;

/// <summary>Third-party platforms: registrations, grants with their refresh tokens and audit trail, pending exchanges.</summary>
public abstract partial class StoreContract
{
    private static Authorizer Grant(string appid, string refreshToken, string component = "wx-component") =>
        new(appid, component, AuthorizerStatus.Authorized, refreshToken, [1, 15], null, T0, T0, null);

    [Fact]
    public async Task A_platform_round_trips_with_its_secrets_and_registers_once()
    {
        var component = new ComponentRegistration("wx-component", "component-secret", "platformtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", null, T0, T0);
        Assert.True(await Components.AddAsync(component));
        Assert.False(await Components.AddAsync(component with { Secret = "other" }));
        Assert.Equal(component, await Reopen().Components.GetAsync("wx-component"));
        Assert.Equal(["wx-component"], (await Components.ListAsync()).Select(c => c.ComponentAppid));
    }

    [Fact]
    public async Task Grants_keep_their_refresh_tokens_compare_by_hash_and_end_with_an_audit_trail()
    {
        var changes = await Authorizers.SaveGrantsAsync([Grant("wx-a", "refresh-a"), Grant("wx-b", "refresh-b")], "synced", null);
        Assert.Equal([GrantChange.Added, GrantChange.Added], changes);
        Assert.Equal([GrantChange.Unchanged, GrantChange.Replaced],
            await Authorizers.SaveGrantsAsync([Grant("wx-a", "refresh-a"), Grant("wx-b", "refresh-b2")], "synced", null));
        Assert.Equal("refresh-b2", (await Reopen().Authorizers.GetAsync("wx-b"))!.RefreshToken);
        Assert.True(RefreshTokenHash.Matches((await Authorizers.ActiveTokenHashesAsync("wx-component"))["wx-a"], "refresh-a"));

        // Replaced only while the stored token is the one the refresh used.
        var rotated = new AuthorizerEvent("wx-component", "wx-a", T0, "refresh_token_rotated", null);
        Assert.False(await Authorizers.ReplaceRefreshTokenAsync("wx-a", "not-the-stored-one", "refresh-a2", rotated));
        Assert.True(await Authorizers.ReplaceRefreshTokenAsync("wx-a", "refresh-a", "refresh-a2", rotated));
        Assert.Equal("refresh-a2", (await Authorizers.GetAsync("wx-a"))!.RefreshToken);

        await Authorizers.SaveProfileAsync("wx-a", new AuthorizerProfile("Shop", AuthorizerProfile.OfficialAccount, "gh_1", "Shop Ltd"), [1, 2]);
        Assert.True(await Authorizers.RevokeAsync("wx-a", new AuthorizerEvent("wx-component", "wx-a", T0.AddHours(1), "unauthorized", null)));
        Assert.False(await Authorizers.RevokeAsync("wx-a", new AuthorizerEvent("wx-component", "wx-a", T0.AddHours(1), "unauthorized", null)));
        var revoked = (await Reopen().Authorizers.GetAsync("wx-a"))!;
        Assert.Equal(AuthorizerStatus.Revoked, revoked.Status);
        Assert.Null(revoked.RefreshToken);
        Assert.Equal("Shop", revoked.Profile!.Name);
        Assert.Equal(["unauthorized", "refresh_token_rotated", "synced", "synced"], (await Authorizers.ListEventsAsync("wx-a", 10)).Select(e => e.Kind));

        Assert.Equal(["wx-b"], await Authorizers.ListActiveAppidsAsync());
        Assert.Equal(1, await Authorizers.CountAsync("wx-component", AuthorizerStatus.Authorized));
        Assert.Equal(2, await Authorizers.CountAsync("wx-component", null));
        Assert.Equal(["wx-b"], (await Authorizers.ListAsync("wx-component", "wx-a", 10, null)).Select(a => a.Appid));
        Assert.Equal(["wx-a"], (await Authorizers.ListAsync("wx-component", null, 10, AuthorizerStatus.Revoked)).Select(a => a.Appid));
    }

    [Fact]
    public async Task Pending_exchanges_survive_a_reopen_until_removed_and_authorizers_may_have_subscribers()
    {
        await Authorizers.AddPendingAsync(new PendingAuthorization("pa_1", "wx-component", null, T0));
        Assert.Equal(["pa_1"], (await Reopen().Authorizers.ListPendingAsync()).Select(p => p.Id));
        await Authorizers.RemovePendingAsync("pa_1");
        Assert.Empty(await Authorizers.ListPendingAsync());

        // Subscribers and callbacks belong to any account, not only to a registered app.
        Assert.True(await Subscribers.AddAsync(Subscriber("wx-authorizer")));
        Assert.True(await Callbacks.AcceptAsync(Callback("wx-authorizer", "k1"), [Entry("wx-authorizer", "cb_1", "sub_1", "dl_1")]));
        var stored = await Credentials.ListExpiriesAsync();
        Assert.Empty(stored);
        await Credentials.SaveAsync(new StoredCredential(new CredentialKey("wx-authorizer", CredentialKind.AccessToken), "token", T0, T0.AddHours(2)));
        Assert.Equal([new CredentialExpiry(new CredentialKey("wx-authorizer", CredentialKind.AccessToken), T0.AddHours(2))], await Reopen().Credentials.ListExpiriesAsync());
    }
}
