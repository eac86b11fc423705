using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Protocol.Crypto;

namespace WxHub.Core.Components;

/// <summary>What an operator asks for when registering a third-party platform (admin API or CLI).</summary>
public sealed record ComponentRegistrationRequest(string? ComponentAppid, string? Secret, string? Token, string? EncodingAesKey);

/// <summary>Registers and changes third-party platforms, validating input once for every front end.</summary>
public sealed class ComponentAdministration(IComponentStore store, IAppStore apps, TimeProvider time)
{
    /// <summary>Registers a platform.</summary>
    public async Task<AdminResult<ComponentRegistration>> AddAsync(ComponentRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.ComponentAppid) || !AppAdministration.AppidPattern().IsMatch(request.ComponentAppid))
            return Fail("invalid_component_appid", "'component_appid' is required: the platform's AppID from the open platform console (letters, digits, '_' or '-', up to 64).");
        if (string.IsNullOrWhiteSpace(request.Secret))
            return Fail("invalid_secret", "'secret' is required: the platform's AppSecret from the open platform console.");
        if (request.Token is null || !AppAdministration.TokenPattern().IsMatch(request.Token))
            return Fail("invalid_token", "'token' is required: the platform's message check Token (消息校验Token), 3 to 32 letters or digits.");
        if (!EncodingAesKey.TryParse(request.EncodingAesKey, out _, out _))
            return Fail("invalid_encoding_aes_key", "'encoding_aes_key' is required: the platform's 43-character message encryption key (消息加解密Key), letters and digits.");
        if (await apps.GetAsync(request.ComponentAppid, cancellationToken) is not null)
            return Fail("appid_taken", $"'{request.ComponentAppid}' is registered as an app; a platform's AppID is its own.");

        var now = time.GetUtcNow();
        var component = new ComponentRegistration(request.ComponentAppid, request.Secret.Trim(), request.Token, request.EncodingAesKey!, null, now, now);
        return await store.AddAsync(component, cancellationToken)
            ? AdminResult<ComponentRegistration>.Ok(component)
            : Fail("component_exists", $"Platform '{request.ComponentAppid}' is already registered (GET /v1/admin/components/{request.ComponentAppid}).");
    }

    public static AdminResult<T> NotFound<T>(string componentAppid) =>
        AdminResult<T>.Fail("component_not_found", $"No third-party platform '{componentAppid}' is registered. List them with GET /v1/admin/components.");

    public static CredentialKey TokenKey(string componentAppid) => new(componentAppid, CredentialKind.ComponentAccessToken);

    private static AdminResult<ComponentRegistration> Fail(string error, string message) => AdminResult<ComponentRegistration>.Fail(error, message);
}
