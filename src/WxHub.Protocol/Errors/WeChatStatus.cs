namespace WxHub.Protocol.Errors;

/// <summary>The <c>errcode</c> / <c>errmsg</c> of a WeChat JSON response (errcode 0 when WeChat sent none).</summary>
public readonly record struct WeChatStatus(int ErrCode, string? ErrMsg)
{
    public bool IsSuccess => ErrCode == WeChatErrorCodes.Ok;

    /// <summary>The catalogue entry for this status, made specific by its errmsg.</summary>
    public WeChatErrorInfo Describe() => WeChatErrorCatalog.Describe(ErrCode, ErrMsg);
}
