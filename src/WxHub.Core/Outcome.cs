using System.Diagnostics.CodeAnalysis;

namespace WxHub.Core;

/// <summary>
/// What went wrong, as the HTTP layer turns it into a status: the caller's input, something absent, a replay, WeChat's
/// refusal or a bad answer, or a credential WxHub cannot obtain right now.
/// </summary>
public enum ProblemKind { Invalid, NotFound, Conflict, Upstream, Unavailable }

/// <summary>Why a flow gave no value: a stable error code, a message that says how to fix it, and WeChat's errcode when it said one.</summary>
public sealed record Problem(ProblemKind Kind, string Code, string Message, int? ErrCode = null);

/// <summary>The value of a flow, or the <see cref="Problem"/> that prevented it.</summary>
public readonly record struct Outcome<T>(T? Value, Problem? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);
}
