using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Logins;

/// <summary>
/// The login loop on loopback: the emulator's approve pages, WxHub's authorize and callback, and a business site that
/// only receives redirects. A browser is an HTTP client that does not follow redirects, so each hop is visible.
/// </summary>
public sealed class LoginWorld : IAsyncDisposable
{
    public const string Business = "https://shop.example.com/wechat/back";
    public const string OpenAccount = "corp-open-account";

    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });
    private readonly Dictionary<string, string> _secrets = [];
    private int _apps;

    private LoginWorld(HubFixture hub) => Hub = hub;

    public HubFixture Hub { get; }

    public static async Task<LoginWorld> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(await HubFixture.StartAsync(settings, services));

    /// <summary>Registers an app of <paramref name="type"/> in WeChat (bound to the open account, so it has UnionIDs) and in WxHub.</summary>
    public async Task<string> AppAsync(string type, bool registerInWxHub = true)
    {
        var appid = $"wxl{type[0]}{Interlocked.Increment(ref _apps):D14}";
        var secret = _secrets[appid] = $"secret-{Guid.NewGuid():N}";
        (await Hub.EmulatorClient.PostAsJsonAsync("/__emulator/apps", new { appid, secret, type, open_account = OpenAccount })).EnsureSuccessStatusCode();
        if (registerInWxHub)
            Assert.Equal(HttpStatusCode.Created, (await Hub.Admin.PostAsJsonAsync("/v1/admin/apps", new { appid, secret, type })).StatusCode);
        return appid;
    }

    public string Secret(string appid) => _secrets[appid];

    /// <summary>A WeChat user who follows (official accounts) or has used (other apps) <paramref name="apps"/>.</summary>
    public async Task<(string Id, JsonNode OpenIds, JsonNode UnionIds)> UserAsync(string? id, params string[] apps)
    {
        var created = await Hub.EmulatorClient.PostAsJsonAsync("/__emulator/users", new { id, apps, nickname = id });
        created.EnsureSuccessStatusCode();
        var user = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        return (user.Str("id"), user["openids"]!, user["unionids"]!);
    }

    /// <summary>Opens WxHub's authorize URL; returns WxHub's answer (a redirect to WeChat, or an error).</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(string appid, string query) =>
        _browser.GetAsync(new Uri(Hub.Server.Address, $"/oauth/{appid}/authorize?{query}"));

    /// <summary>
    /// The person approves on WeChat's page: returns where WeChat sends the browser (WxHub's callback with code and state).
    /// </summary>
    public async Task<Uri> ApproveAsync(Uri wechatPage, string user, bool approve = true)
    {
        var page = wechatPage.GetLeftPart(UriPartial.Query);
        using var answer = await _browser.GetAsync(QueryHelpers.AddQueryString(page, new Dictionary<string, string?>
        {
            ["emulator_approve"] = approve ? "1" : "0",
            ["emulator_user"] = user,
        }));
        return RedirectOf(answer);
    }

    public Task<HttpResponseMessage> FollowAsync(Uri url) => _browser.GetAsync(url);

    /// <summary>The whole round: authorize, approve, callback. Returns the business URL the person lands on.</summary>
    public async Task<Uri> SignInAsync(string appid, string user, string scope, string state = "biz42")
    {
        using var toWeChat = await AuthorizeAsync(appid, $"redirect_uri={Uri.EscapeDataString(Business)}&scope={scope}&state={state}");
        var callback = await ApproveAsync(RedirectOf(toWeChat), user);
        using var back = await FollowAsync(callback);
        return RedirectOf(back);
    }

    public static Uri RedirectOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Expected a redirect, got {(int)response.StatusCode} ({response.Content.Headers.ContentType}).");
        return response.Headers.Location!;
    }

    public static string? Query(Uri url, string name) =>
        QueryHelpers.ParseQuery(url.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        _browser.Dispose();
        await Hub.DisposeAsync();
    }
}
