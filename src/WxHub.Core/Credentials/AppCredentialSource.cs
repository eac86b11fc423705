using WxHub.Core.Apps;
using WxHub.Core.WeChat;

namespace WxHub.Core.Credentials;

/// <summary>The access tokens of registered apps, in the way each app's token mode calls for.</summary>
public sealed class AppCredentialSource(IAppStore apps, WeChatApiClient wechat, ForceRefreshBudget forceRefresh) : ICredentialSource
{
    public async Task<FetchResult?> FetchAsync(CredentialKey key, string? replacing, ICredentialProvider credentials, CancellationToken cancellationToken)
    {
        if (key.Kind != CredentialKind.AccessToken || await apps.GetAsync(key.Appid, cancellationToken) is not { } app) return null;
        if (app.TokenMode == TokenMode.Classic)
            return new(await wechat.GetTokenAsync(app.Appid, app.Secret, cancellationToken), "token (classic)");

        // Normal mode leaves tokens other parties hold alone; only a token reported rejected justifies forcing.
        var force = replacing is not null && await forceRefresh.TryTakeAsync(app.Appid, cancellationToken);
        return new(await wechat.GetStableTokenAsync(app.Appid, app.Secret, force, cancellationToken),
            force ? "stable_token, force_refresh" : replacing is null ? "stable_token" : "stable_token (force_refresh not allowed now)");
    }

    public async Task<IReadOnlyList<CredentialKey>> KeptFreshAsync(CancellationToken cancellationToken) =>
        (await apps.ListAsync(cancellationToken)).Select(app => new CredentialKey(app.Appid, CredentialKind.AccessToken)).ToList();
}
