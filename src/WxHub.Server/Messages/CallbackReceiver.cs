using WxHub.Core.Apps;
using WxHub.Core.Components;

namespace WxHub.Server.Messages;

/// <summary>
/// Who receives a callback and how WeChat protects it: <see cref="Appid"/> is the account whose subscribers get the
/// message; <see cref="Token"/>, the AES keys and <see cref="ReceiverId"/> (the id inside each ciphertext) are the
/// account's own for a registered app, and its platform's for an authorizer (reference §4.11). The keys are secrets.
/// </summary>
public sealed record CallbackReceiver(string Appid, string ReceiverId, string Token, string? EncodingAesKey, string? PreviousEncodingAesKey)
{
    public static CallbackReceiver For(AppRegistration app) =>
        new(app.Appid, app.Appid, app.Token!, app.EncodingAesKey, app.PreviousEncodingAesKey);

    /// <summary>A platform's own system pushes (<paramref name="appid"/> null) or an authorizer's messages, under the platform's keys.</summary>
    public static CallbackReceiver For(ComponentRegistration component, string? appid = null) =>
        new(appid ?? component.ComponentAppid, component.ComponentAppid, component.Token, component.EncodingAesKey, component.PreviousEncodingAesKey);

    public override string ToString() => $"CallbackReceiver {{ Appid = {Appid}, ReceiverId = {ReceiverId} }}";
}
