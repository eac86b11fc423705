using Microsoft.Extensions.Options;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.OAuth;
using WxHub.Core.WeChat;
using WxHub.Protocol.Errors;

namespace WxHub.Core.Identity;

/// <summary>
/// The UnionID directory: every (appid, openid) WxHub sees, from logins, follower lookups, backfills and callbacks,
/// with the unionid once WeChat says it, so one person is known across the organisation's apps.
/// </summary>
public sealed class UserDirectory(
    IUserDirectoryStore store,
    IAppStore apps,
    WeChatIdentityClient wechat,
    AppTokenCalls tokenCalls,
    IOptions<OAuthOptions> options,
    TimeProvider time)
{
    /// <summary>Records what was seen (e.g. a callback's FromUserName: <c>new IdentitySighting(appid, openid)</c>).</summary>
    public Task RecordAsync(IReadOnlyCollection<IdentitySighting> sightings, CancellationToken cancellationToken = default) =>
        store.RecordAsync(sightings, time.GetUtcNow(), cancellationToken);

    public Task<IReadOnlyList<UserIdentity>> FindByUnionidAsync(string unionid, CancellationToken cancellationToken = default) =>
        store.FindByUnionidAsync(unionid, cancellationToken);

    /// <summary>
    /// The user as the directory knows them; for an Official Account, asks <c>/cgi-bin/user/info</c> when the profile
    /// is unknown or older than <see cref="OAuthOptions.ProfileLifetime"/>, and keeps the answer.
    /// </summary>
    public async Task<Outcome<UserIdentity>> GetAsync(string appid, string openid, CancellationToken cancellationToken = default)
    {
        var known = await store.GetAsync(appid, openid, cancellationToken);
        var now = time.GetUtcNow();
        if (known?.ProfileFetchedAt is { } fetched && now - fetched < options.Value.ProfileLifetime) return known;
        if ((await apps.GetAsync(appid, cancellationToken))?.Type != AppType.OfficialAccount)
            return known is null ? NotFound(appid, openid) : known;

        var answer = await tokenCalls.CallAsync(appid, (token, ct) => wechat.GetUserInfoAsync(token, openid, ct), cancellationToken);
        if (!answer.Succeeded)
            return answer.Problem.ErrCode == WeChatErrorCodes.InvalidOpenId ? NotFound(appid, openid) : answer.Problem;
        await store.RecordAsync([new IdentitySighting(appid, openid, answer.Value.Unionid, answer.Value)], now, cancellationToken);
        return (await store.GetAsync(appid, openid, cancellationToken))!;
    }

    private static Problem NotFound(string appid, string openid) => new(ProblemKind.NotFound, "user_not_found",
        $"'{openid}' is not a user WxHub or WeChat knows for {appid}. Check the openid: openids differ per app.");
}
