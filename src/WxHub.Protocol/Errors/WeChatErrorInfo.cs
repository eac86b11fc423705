namespace WxHub.Protocol.Errors;

/// <summary>An <c>errcode</c> explained: its category, what it means and what an operator should do.</summary>
public sealed record WeChatErrorInfo(int Code, WeChatErrorCategory Category, string Meaning, string OperatorAction);
