using WxHub.Protocol.Errors;

namespace WxHub.Core.Credentials;

/// <summary>
/// Calls a WeChat API with the app's access token, and once more with a fresh one when WeChat says the token is no
/// longer good (40001, 40014, 42001): compare-and-refresh, so many callers reporting the same token cost one refresh.
/// </summary>
public sealed class AppTokenCalls(ICredentialProvider credentials)
{
    public async Task<Outcome<T>> CallAsync<T>(string appid, Func<string, CancellationToken, Task<Outcome<T>>> call, CancellationToken cancellationToken)
    {
        var key = new CredentialKey(appid, CredentialKind.AccessToken);
        var lookup = await credentials.GetAsync(key, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (!lookup.Found)
            {
                var kind = lookup.Fault.Error == CredentialFault.AppNotFound ? ProblemKind.NotFound : ProblemKind.Unavailable;
                return new Problem(kind, lookup.Fault.Error, lookup.Fault.Message, lookup.Fault.ErrCode);
            }
            var result = await call(lookup.Credential.Value, cancellationToken);
            if (result.Succeeded || attempt > 0 || result.Problem.ErrCode is not { } errcode || !WeChatErrorCatalog.IsTokenInvalid(errcode)) return result;
            lookup = await credentials.InvalidateAsync(key, lookup.Credential.Value, cancellationToken);
        }
    }
}
