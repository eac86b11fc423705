using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Messages;
using WxHub.Server.Http;

namespace WxHub.Server.Messages;

/// <summary>Why a callback was refused: the HTTP status, the error code (also the metric's reason) and what to fix.</summary>
public sealed record CallbackRejection(int Status, string Error, string Message)
{
    private const string AppNotFoundError = "app_not_found";

    /// <summary>False when the appid is not registered: then it is the caller's word, not a name of ours.</summary>
    public bool IsForRegisteredApp => Error != AppNotFoundError;

    public IResult ToResult() => ApiErrors.Create(Status, Error, Message);

    // The message does not repeat the appid: it is the caller's text and goes into the log.
    public static CallbackRejection AppNotFound() => new(StatusCodes.Status404NotFound, AppNotFoundError,
        "No app with the appid in this URL is registered; register it with POST /v1/admin/apps before pointing WeChat's server URL here.");

    public static CallbackRejection ComponentNotFound() => new(StatusCodes.Status404NotFound, AppNotFoundError,
        "No third-party platform with the component_appid in this URL is registered; register it with POST /v1/admin/components first.");

    public static CallbackRejection NotConfigured(string appid) => new(StatusCodes.Status404NotFound, "callbacks_not_configured",
        $"App '{appid}' has no message server Token; set 'token' (and 'encoding_aes_key' for safe mode) with PATCH /v1/admin/apps/{appid}.");

    public static CallbackRejection MissingParameter(string name) => new(StatusCodes.Status400BadRequest, "missing_parameter",
        $"The query parameter '{name}' is required on WeChat callbacks.");

    public static CallbackRejection InvalidSignature() => new(StatusCodes.Status401Unauthorized, "invalid_signature",
        "'signature' does not match the app's Token, 'timestamp' and 'nonce'; check the Token configured in WeChat and in WxHub.");

    public static CallbackRejection StaleTimestamp(TimeSpan window) => new(StatusCodes.Status401Unauthorized, "timestamp_out_of_window",
        $"'timestamp' must be Unix seconds within {window.TotalSeconds:0} s of the server's clock; older requests are refused as replays.");

    public static CallbackRejection TooLarge(int maxBytes) => new(StatusCodes.Status413PayloadTooLarge, "body_too_large",
        $"The body may be at most {maxBytes} bytes.");

    public static CallbackRejection UnsupportedEncryptType() => new(StatusCodes.Status400BadRequest, "unsupported_encrypt_type",
        "'encrypt_type' must be absent, 'raw' or 'aes'.");

    public static CallbackRejection EncryptionNotConfigured(string appid) => new(StatusCodes.Status400BadRequest, "encryption_not_configured",
        $"The push is encrypted but app '{appid}' has no EncodingAESKey; set 'encoding_aes_key' with PATCH /v1/admin/apps/{appid}.");

    public static CallbackRejection EncryptionRequired() => new(StatusCodes.Status400BadRequest, "encryption_required",
        "A platform's system pushes are always encrypted: 'encrypt_type=aes' and 'msg_signature' are required.");

    public static CallbackRejection InvalidMsgSignature() => new(StatusCodes.Status401Unauthorized, "invalid_msg_signature",
        "'msg_signature' does not match the Token, 'timestamp', 'nonce' and the body's Encrypt.");

    public static CallbackRejection ReceiverMismatch() => new(StatusCodes.Status403Forbidden, "receiver_id_mismatch",
        "The decrypted push is addressed to another AppID than the one in the URL.");

    public static CallbackRejection DecryptionFailed(string reason) => new(StatusCodes.Status400BadRequest, "decryption_failed",
        $"The Encrypt value did not decrypt with the app's current or previous EncodingAESKey ({reason}); check the key configured in WeChat and in WxHub.");

    /// <summary>A body the safe parser refused (too large, a DTD, not well-formed, a required field missing).</summary>
    public static CallbackRejection Unreadable(XmlErrorKind kind, string? detail, int maxBytes) => kind switch
    {
        XmlErrorKind.TooLarge => TooLarge(maxBytes),
        XmlErrorKind.DtdProhibited => new(StatusCodes.Status400BadRequest, "dtd_prohibited", "The body has a DTD; WeChat pushes never do, and DTDs (entities) are refused."),
        XmlErrorKind.MissingField => new(StatusCodes.Status400BadRequest, "missing_field", $"The push lacks a required field: {detail}"),
        _ => new(StatusCodes.Status400BadRequest, "malformed_body", $"The body is not a WeChat push: {detail}"),
    };
}

/// <summary>A value, or why the callback was refused.</summary>
public readonly record struct Checked<T>(T? Value, CallbackRejection? Rejection) where T : class
{
    public static implicit operator Checked<T>(T value) => new(value, null);

    public static implicit operator Checked<T>(CallbackRejection rejection) => new(null, rejection);
}
