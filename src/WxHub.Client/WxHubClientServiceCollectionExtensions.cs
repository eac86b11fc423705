using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WxHub.Client;

public static class WxHubClientServiceCollectionExtensions
{
    public const string HttpClientName = "WxHub";

    /// <summary>
    /// Registers <see cref="IWxHubClient"/> (a typed client of WxHub's business API with a process-wide cache of tokens and
    /// tickets) configured by <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddWxHubClient(this IServiceCollection services, Action<WxHubClientOptions> configure)
    {
        services.AddOptions<WxHubClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "WxHub client: BaseAddress must be WxHub's absolute URL, e.g. https://wxhub.internal:8080/.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey), "WxHub client: ApiKey is required: a WxHub API key (wxk_...) for the apps this service uses.")
            .Validate(o => o.RefreshMargin >= TimeSpan.Zero && o.MaxReplayableBodyBytes >= 0, "WxHub client: RefreshMargin and MaxReplayableBodyBytes must not be negative.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CredentialCache>();
        services.AddHttpClient(HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<WxHubClientOptions>>().Value;
                // A trailing slash, so that relative paths land under the base path.
                http.BaseAddress = new Uri(options.BaseAddress!.AbsoluteUri.TrimEnd('/') + "/");
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            })
            .AddTypedClient<IWxHubClient>((http, sp) => new WxHubClient(http, sp.GetRequiredService<CredentialCache>()));
        return services;
    }

    /// <summary>
    /// Adds <see cref="WeChatAccessTokenHandler"/> for <paramref name="appid"/> to a client that calls WeChat directly
    /// (e.g. <c>services.AddHttpClient("wechat", c =&gt; c.BaseAddress = new("https://api.weixin.qq.com")).AddWxHubAccessToken("wx...")</c>).
    /// Needs <see cref="AddWxHubClient"/>.
    /// </summary>
    public static IHttpClientBuilder AddWxHubAccessToken(this IHttpClientBuilder builder, string appid) =>
        builder.AddHttpMessageHandler(sp => new WeChatAccessTokenHandler(
            sp.GetRequiredService<IWxHubClient>(), appid, sp.GetRequiredService<IOptions<WxHubClientOptions>>().Value.MaxReplayableBodyBytes));
}
