using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Access;
using WxHub.Core.Components;

namespace WxHub.Server.Http;

/// <summary>Who may call an endpoint: the admin key, or a business API key that names the route's app and the scope.</summary>
public static class AccessFilters
{
    public const string KeyHeader = "X-WxHub-Key";

    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Guard(http => ValueTask.FromResult(http.RequestServices.GetRequiredService<AdminKey>().Verify(PresentedKey(http.Request))
            ? null
            : ApiErrors.Unauthorized("This is an admin route: send 'Authorization: Bearer <admin key>' (the key is in <data>/admin-key, or WXHUB_ADMIN_KEY).")));

    /// <summary>
    /// Requires an API key allowed to use <paramref name="scope"/> on the route's <c>{appid}</c> (an app or an authorizer).
    /// A key that does not name the app gets the same 404 as an unknown app, so keys cannot probe which apps exist.
    /// </summary>
    public static TBuilder RequireAppAccess<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireKey(async (key, http) =>
        {
            var appid = http.Request.RouteValues["appid"] as string ?? "";
            return await key.AllowsAsync(appid, scope, http) ? null : AppNotFound(appid);
        });

    /// <summary>
    /// Requires an API key allowed to use <paramref name="scope"/> on the route's third-party platform (<c>{component_appid}</c>):
    /// one naming <c>component:&lt;component_appid&gt;</c>, or <c>*</c>.
    /// </summary>
    public static TBuilder RequireComponentAccess<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireKey((key, http) =>
        {
            var componentAppid = http.Request.RouteValues["component_appid"] as string ?? "";
            return ValueTask.FromResult(key.Allows(componentAppid, scope, componentAppid)
                ? null
                : ApiErrors.NotFound("component_not_found",
                    $"No third-party platform '{componentAppid}' is visible to this API key; a key names one as \"{ApiKey.ComponentPrefix}{componentAppid}\"."));
        });

    /// <summary>
    /// Requires an API key with <paramref name="scope"/>, for routes that name no app (the handler checks the apps it
    /// finds with <see cref="ApiKey.Allows"/>).
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireKey((key, _) => ValueTask.FromResult(key.Scopes.Contains(scope, StringComparer.Ordinal)
            ? null
            : ApiErrors.Create(StatusCodes.Status403Forbidden, "scope_not_allowed", $"This API key lacks the '{scope}' scope; create a key with it (POST /v1/admin/keys).")));

    private static TBuilder RequireKey<TBuilder>(this TBuilder builder, Func<ApiKey, HttpContext, ValueTask<IResult?>> refuse) where TBuilder : IEndpointConventionBuilder =>
        builder.Guard(async http =>
        {
            var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            var key = await authenticator.AuthenticateAsync(PresentedKey(http.Request), http.RequestAborted);
            if (key is null)
                return ApiErrors.Unauthorized($"Send a WxHub API key as 'Authorization: Bearer <key>' or '{KeyHeader}: <key>'; keys are created with POST /v1/admin/keys.");
            if (await refuse(key, http) is { } refusal) return refusal;

            http.Features.Set(key);
            return null;
        });

    /// <summary>
    /// Runs <paramref name="refuse"/> before each endpoint's own delegate and answers its refusal instead. It wraps the
    /// endpoint's request delegate rather than adding an endpoint filter: the check then runs before any argument is
    /// bound, and the hot reads pay no filter context, boxed arguments or extra result handling.
    /// </summary>
    private static TBuilder Guard<TBuilder>(this TBuilder builder, Func<HttpContext, ValueTask<IResult?>> refuse) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate to guard.");
            endpoint.RequestDelegate = async http =>
            {
                if (await refuse(http) is { } refusal) await refusal.ExecuteAsync(http);
                else await next(http);
            };
        });
        return builder;
    }

    /// <summary>
    /// Whether <paramref name="key"/> may use <paramref name="scope"/> on <paramref name="appid"/> (an app, an authorizer,
    /// or with <paramref name="componentAppid"/> a platform). A key naming a platform covers the platform's authorizers;
    /// only for such a key is the store asked whose authorizer the appid is.
    /// </summary>
    public static async ValueTask<bool> AllowsAsync(this ApiKey key, string appid, string scope, HttpContext http, string? componentAppid = null) =>
        key.Allows(appid, scope, componentAppid)
        || key.NamesComponents
        && await http.RequestServices.GetRequiredService<IAuthorizerStore>().GetAsync(appid, http.RequestAborted) is { } authorizer
        && key.Allows(appid, scope, authorizer.ComponentAppid);

    /// <summary>The key that <see cref="RequireAppAccess{TBuilder}"/>, <see cref="RequireComponentAccess{TBuilder}"/> or <see cref="RequireApiKey{TBuilder}"/> admitted.</summary>
    public static ApiKey GetApiKey(this HttpContext context) => context.Features.GetRequiredFeature<ApiKey>();

    public static IResult AppNotFound(string appid) =>
        ApiErrors.NotFound("app_not_found", $"No app '{appid}' is visible to this API key. Check the appid, or ask an operator to register the app or widen the key.");

    /// <summary>The key sent as <c>Authorization: Bearer</c> or in <see cref="KeyHeader"/>; null when neither is there.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        var header = request.Headers[KeyHeader].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }
}
