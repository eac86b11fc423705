namespace WxHub.Emulator.Pushes;

/// <summary>One push as it went, for <c>GET /__emulator/pushes</c>.</summary>
internal sealed record PushLogEntry(
    int Id,
    string Kind,
    string Target,
    string Url,
    int Attempts,
    string Status,
    bool ReplyValid,
    string? ReplyError,
    DateTimeOffset At);

/// <summary>The latest pushes (the most recent 1000).</summary>
internal sealed class PushLog
{
    private const int Capacity = 1000;
    private readonly Lock _gate = new();
    private readonly LinkedList<PushLogEntry> _entries = new();
    private int _nextId;

    public PushLogEntry Record(string kind, string target, Uri url, PushResult result, DateTimeOffset at)
    {
        lock (_gate)
        {
            var entry = new PushLogEntry(++_nextId, kind, target, url.GetLeftPart(UriPartial.Path), result.Attempts, result.Status, result.ReplyValid, result.ReplyError, at);
            _entries.AddLast(entry);
            if (_entries.Count > Capacity) _entries.RemoveFirst();
            return entry;
        }
    }

    public IReadOnlyList<PushLogEntry> Find(string? target, string? kind)
    {
        lock (_gate)
            return _entries.Where(e => (target is null || e.Target == target) && (kind is null || e.Kind == kind)).ToList();
    }
}
