namespace WxHub.Emulator.Faults;

internal enum FaultAction
{
    ErrCode,
    HttpStatus,
    Delay,
    Drop,
}

/// <summary>
/// A failure to inject into matching calls: a path, optionally one app or one access point; applied to the next
/// <see cref="Remaining"/> calls, to a <see cref="Fraction"/> of calls, or (neither given) to every call until cleared.
/// A fraction drawn from a <see cref="Draws"/> seeded by the test repeats the same choices for the same sequence of calls.
/// </summary>
internal sealed class Fault
{
    public required int Id { get; init; }
    public required string Path { get; init; }
    public string? AppId { get; init; }
    public string? AccessPoint { get; init; }
    public required FaultAction Action { get; init; }

    /// <summary>The errcode, HTTP status or delay in milliseconds, by <see cref="Action"/>.</summary>
    public int Value { get; init; }

    public int? Remaining { get; set; }
    public double? Fraction { get; init; }

    /// <summary>Where the fraction's draws come from: seeded when the test gave a seed, else shared.</summary>
    public Random Draws { get; init; } = Random.Shared;

    public int? Seed { get; init; }

    public bool Matches(string path, string? appId, string accessPoint) =>
        string.Equals(Path, path, StringComparison.Ordinal)
        && (AppId is null || string.Equals(AppId, appId, StringComparison.Ordinal))
        && (AccessPoint is null || string.Equals(AccessPoint, accessPoint, StringComparison.Ordinal));
}

/// <summary>The faults in force. Callers hold the emulator's state lock.</summary>
internal sealed class FaultBook
{
    private readonly List<Fault> _faults = [];
    private int _nextId;

    public IReadOnlyList<Fault> All => _faults;

    public Fault Add(Func<int, Fault> create)
    {
        var fault = create(++_nextId);
        _faults.Add(fault);
        return fault;
    }

    public void Clear() => _faults.Clear();

    /// <summary>The first fault that applies to this call, counting it against the fault's remaining uses.</summary>
    public Fault? Take(string path, string? appId, string accessPoint)
    {
        foreach (var fault in _faults)
        {
            if (!fault.Matches(path, appId, accessPoint)) continue;
            if (fault.Fraction is { } fraction && fault.Draws.NextDouble() >= fraction) continue;
            if (fault.Remaining is { } remaining)
            {
                if (remaining <= 1) _faults.Remove(fault);
                else fault.Remaining = remaining - 1;
            }
            return fault;
        }
        return null;
    }
}
