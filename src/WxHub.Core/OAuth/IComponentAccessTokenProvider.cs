namespace WxHub.Core.OAuth;

/// <summary>
/// The component access token of a third-party platform WxHub runs, for logins on behalf of its authorizers
/// (<c>/sns/oauth2/component/*</c>, <c>/sns/component/jscode2session</c>), and which platform an account authorized.
/// The third-party platform feature provides it; until one is registered, <see cref="NoComponentAccessTokens"/> says
/// that no platform is managed here.
/// </summary>
public interface IComponentAccessTokenProvider
{
    Task<Outcome<string>> GetAsync(string componentAppid, CancellationToken cancellationToken = default);

    /// <summary>The platform WxHub runs that <paramref name="appid"/> has authorized (and not revoked); null when there is none.</summary>
    Task<string?> PlatformOfAsync(string appid, CancellationToken cancellationToken = default);
}

public sealed class NoComponentAccessTokens : IComponentAccessTokenProvider
{
    public Task<string?> PlatformOfAsync(string appid, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    public Task<Outcome<string>> GetAsync(string componentAppid, CancellationToken cancellationToken = default) =>
        Task.FromResult<Outcome<string>>(new Problem(ProblemKind.NotFound, "component_not_found",
            $"WxHub does not run the third-party platform '{componentAppid}', so it has no component access token for it. Register the platform in WxHub, or leave out component_appid to use the app's own AppSecret."));
}
