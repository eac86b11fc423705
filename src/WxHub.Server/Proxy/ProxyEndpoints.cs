using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Core.WeChat;

namespace WxHub.Server.Proxy;

/// <summary>
/// WeChat's API at <c>/wechat-api/{appid}/</c>: any call is forwarded with the app's credential, and the token paths
/// answer SDKs with the managed token. An SDK's base URL becomes <c>https://wxhub.example/wechat-api/{appid}</c>.
/// </summary>
public static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapWeChatProxy(this IEndpointRouteBuilder endpoints)
    {
        var proxy = endpoints.MapGroup(ProxyTarget.Prefix + "{appid}");
        proxy.Map(WeChatEndpoints.Token, (string appid, HttpRequest request, TokenCompatibility tokens) => tokens.TokenAsync(appid, request));
        proxy.Map(WeChatEndpoints.StableToken, (string appid, HttpRequest request, TokenCompatibility tokens) => tokens.StableTokenAsync(appid, request));
        proxy.Map("/{**path}", (string appid, HttpContext http, ProxyCall call) => call.HandleAsync(appid, http));
        return endpoints;
    }
}
