using System.Diagnostics.CodeAnalysis;

namespace WxHub.Core.WeChat;

/// <summary>A credential as WeChat issued it: the value and how long WeChat says it lives.</summary>
public sealed record IssuedCredential(string Value, TimeSpan ExpiresIn)
{
    public override string ToString() => $"IssuedCredential {{ ExpiresIn = {ExpiresIn} }}";
}

public enum UpstreamFailureKind
{
    /// <summary>WeChat answered with a non-zero errcode.</summary>
    WeChatError,

    /// <summary>WxHub did not call: the day's budget for the endpoint is spent (or WeChat already said 45009 today).</summary>
    QuotaSpent,

    /// <summary>No access point gave a WeChat answer (network errors, timeouts, HTTP 5xx, bodies that are not WeChat JSON).</summary>
    Unreachable,

    /// <summary>WeChat said success but the answer lacked the credential or its lifetime.</summary>
    MalformedAnswer,
}

/// <summary>Why a call to WeChat did not produce a credential. <see cref="ErrCode"/> is set when WeChat said one.</summary>
public sealed record UpstreamFailure(UpstreamFailureKind Kind, int? ErrCode, string Detail);

/// <summary>The outcome of one logical call to WeChat (after retries and failover): a credential or a failure.</summary>
public sealed class UpstreamResult
{
    private UpstreamResult(IssuedCredential? issued, UpstreamFailure? failure)
    {
        Issued = issued;
        Failure = failure;
    }

    public IssuedCredential? Issued { get; }

    public UpstreamFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Issued))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Issued is not null;

    public static UpstreamResult Success(IssuedCredential issued) => new(issued, null);

    public static UpstreamResult Fail(UpstreamFailureKind kind, int? errcode, string detail) => new(null, new UpstreamFailure(kind, errcode, detail));
}

/// <summary>The outcome of one logical call to WeChat that answers more than a credential: WeChat's answer, or why there is none.</summary>
public sealed record WeChatCall<T>(T? Answer, UpstreamFailure? Failure) where T : class
{
    [MemberNotNullWhen(true, nameof(Answer))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Answer is not null;
}
