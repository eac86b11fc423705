using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Users;

/// <summary>An official account's users (reference §6): one, a batch of up to 100, and the paged follower list.</summary>
internal sealed class UserEndpoints(EmulatorState state, ApiGuard guard)
{
    public const int BatchLimit = 100;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapWeChatGet("/cgi-bin/user/info", state, Info);
        routes.MapWeChatPost("/cgi-bin/user/info/batchget", state, BatchGet);
        routes.MapWeChatGet("/cgi-bin/user/get", state, Followers);
    }

    private IResult Info(ApiCall call)
    {
        var app = OfficialAccount(call);
        return WeChatResults.Json(Describe(app, call.Query("openid")), EmulatorJson.Default.UserInfoBody);
    }

    private IResult BatchGet(ApiCall call)
    {
        var app = OfficialAccount(call);
        var request = call.ReadJson(EmulatorJson.Default.BatchGetRequest);
        if (request.UserList is not { Count: > 0 } list) throw new WeChatError(WeChatErrors.DataFormatError, "data format error, user_list is empty");
        if (list.Count > BatchLimit) throw new WeChatError(WeChatErrors.InvalidArgs, $"invalid args, at most {BatchLimit} users per call");
        return WeChatResults.Json(new UserInfoListBody(list.Select(u => Describe(app, u.OpenId)).ToList()), EmulatorJson.Default.UserInfoListBody);
    }

    /// <summary>
    /// Pages of followers after <c>next_openid</c>. A page carries its last OpenID as the cursor; the call after the
    /// last page returns <c>count: 0</c>, no <c>data</c> and an empty <c>next_openid</c>.
    /// </summary>
    private IResult Followers(ApiCall call)
    {
        var app = OfficialAccount(call);
        var all = state.Users.Followers(app.AppId);
        var start = 0;
        if (call.Query("next_openid") is { } cursor)
        {
            var index = all.ToList().IndexOf(cursor);
            if (index < 0) throw new WeChatError(WeChatErrors.InvalidOpenId);
            start = index + 1;
        }
        var page = all.Skip(start).Take(state.Options.FollowerPageSize).ToList();
        var body = page.Count == 0
            ? new FollowerListBody(all.Count, 0, null, "")
            : new FollowerListBody(all.Count, page.Count, new FollowerPage(page), page[^1]);
        return WeChatResults.Json(body, EmulatorJson.Default.FollowerListBody);
    }

    private AppConfig OfficialAccount(ApiCall call)
    {
        var account = guard.AccessToken(call);
        ApiGuard.AppTypeIs(account.App, AppType.OfficialAccount);
        return account.App;
    }

    /// <summary>40003 for an OpenID that is not the account's.</summary>
    private UserInfoBody Describe(AppConfig app, string? openId)
    {
        var user = state.Users.ByOpenId(app.AppId, openId) ?? throw new WeChatError(WeChatErrors.InvalidOpenId);
        var unionId = state.Users.UnionIdIn(user, app);
        if (!user.FollowedAt.TryGetValue(app.AppId, out var since))
            return new UserInfoBody(0, openId!, null, null, unionId, null, null, null, null, null, null);
        return new UserInfoBody(1, openId!, "zh_CN", since.ToUnixTimeSeconds(), unionId, "", 0, [], "ADD_SCENE_OTHERS", 0, "");
    }
}
