using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Client;

namespace WxHub.Client.Tests;

/// <summary>A business service's container wired to the real WxHub server of a <see cref="HubFixture"/>, on the fixture's clock.</summary>
internal sealed class ClientWorld : IAsyncDisposable
{
    public const string WeChat = "wechat";

    private readonly ServiceProvider _services;

    private ClientWorld(HubFixture hub, ServiceProvider services)
    {
        Hub = hub;
        _services = services;
    }

    public HubFixture Hub { get; }

    public IWxHubClient WxHub => _services.GetRequiredService<IWxHubClient>();

    /// <summary>A client that calls the emulator (WeChat) directly, with WxHub's token added by the handler.</summary>
    public HttpClient WeChatClient => _services.GetRequiredService<IHttpClientFactory>().CreateClient(WeChat);

    /// <param name="appid">The app the direct WeChat client acts for.</param>
    public static ClientWorld Start(HubFixture hub, string appid, string apiKey)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(hub.Clock);
        services.AddWxHubClient(options =>
        {
            options.BaseAddress = hub.Server.Address;
            options.ApiKey = apiKey;
        });
        services.AddHttpClient(WeChat, http => http.BaseAddress = hub.Emulator.BaseUrl).AddWxHubAccessToken(appid);
        return new ClientWorld(hub, services.BuildServiceProvider(validateScopes: true));
    }

    /// <summary>What WxHub itself serves now, read with a key client of the fixture.</summary>
    public static async Task<string> CurrentTokenAsync(HttpClient keyClient, string appid) =>
        JsonNode.Parse(await keyClient.GetStringAsync($"/v1/apps/{appid}/access-token"))!["access_token"]!.GetValue<string>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
