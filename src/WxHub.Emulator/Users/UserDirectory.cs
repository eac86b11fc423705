using WxHub.Emulator.Apps;
using WxHub.Emulator.Credentials;

namespace WxHub.Emulator.Users;

/// <summary>A WeChat user: an OpenID per app they used, a UnionID per open platform account, and the accounts they follow.</summary>
internal sealed class EmulatedUser(string id, string nickname)
{
    public string Id { get; } = id;
    public string Nickname { get; set; } = nickname;
    public Dictionary<string, string> OpenIds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> UnionIds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DateTimeOffset> FollowedAt { get; } = new(StringComparer.Ordinal);
}

/// <summary>The emulator's users, found by id or by any of their OpenIDs. Callers hold the state lock.</summary>
internal sealed class UserDirectory
{
    private readonly Dictionary<string, EmulatedUser> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (EmulatedUser User, string AppId)> _byOpenId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _followers = new(StringComparer.Ordinal);
    private int _created;

    public EmulatedUser? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The user with this id, created when new (with a generated id when none is given).</summary>
    public EmulatedUser GetOrCreate(string? id, string? nickname = null)
    {
        id ??= $"user{++_created}";
        if (!_byId.TryGetValue(id, out var user)) _byId[id] = user = new EmulatedUser(id, nickname ?? id);
        else if (nickname is not null) user.Nickname = nickname;
        return user;
    }

    /// <summary>The user behind an OpenID of the given app, or null (an unknown OpenID, or another app's).</summary>
    public EmulatedUser? ByOpenId(string appId, string? openId) =>
        openId is not null && _byOpenId.TryGetValue(openId, out var entry) && entry.AppId == appId ? entry.User : null;

    /// <summary>The user's OpenID in the app, issued on first use together with the UnionID of the app's open platform account.</summary>
    public string Connect(EmulatedUser user, AppConfig app)
    {
        if (!user.OpenIds.TryGetValue(app.AppId, out var openId))
        {
            user.OpenIds[app.AppId] = openId = NewId();
            _byOpenId[openId] = (user, app.AppId);
        }
        if (app.OpenAccount is { } account && !user.UnionIds.ContainsKey(account)) user.UnionIds[account] = NewId();
        return openId;
    }

    public string? UnionIdIn(EmulatedUser user, AppConfig app) =>
        app.OpenAccount is { } account ? user.UnionIds.GetValueOrDefault(account) : null;

    public void Follow(EmulatedUser user, AppConfig app, DateTimeOffset now)
    {
        var openId = Connect(user, app);
        if (user.FollowedAt.ContainsKey(app.AppId)) return;
        user.FollowedAt[app.AppId] = now;
        if (!_followers.TryGetValue(app.AppId, out var list)) _followers[app.AppId] = list = [];
        list.Add(openId);
    }

    public void Unfollow(EmulatedUser user, AppConfig app)
    {
        if (user.FollowedAt.Remove(app.AppId)) _followers[app.AppId].Remove(user.OpenIds[app.AppId]);
    }

    /// <summary>The app's followers' OpenIDs in the order they followed.</summary>
    public IReadOnlyList<string> Followers(string appId) => _followers.GetValueOrDefault(appId) ?? [];

    /// <summary>28 characters starting with "o", like WeChat's OpenIDs and UnionIDs.</summary>
    private static string NewId() => "o" + CredentialBook.Base64Url(21)[..27];
}
