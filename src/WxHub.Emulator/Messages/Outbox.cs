using System.Text.Json;

namespace WxHub.Emulator.Messages;

/// <summary>A message an account sent to a user through the API, kept so tests can see what reached the user.</summary>
internal sealed record SentMessage(string Kind, string AppId, string ToUser, string Type, JsonElement Body, DateTimeOffset At, long? MsgId);

/// <summary>What accounts sent, and temporary media they can download. Callers hold the state lock.</summary>
internal sealed class Outbox
{
    private readonly List<SentMessage> _sent = [];
    private long _lastMsgId = 2_000_000_000_000_000;

    public long NextMsgId() => ++_lastMsgId;

    public void Add(SentMessage message) => _sent.Add(message);

    public IReadOnlyList<SentMessage> SentBy(string appId) => _sent.Where(m => m.AppId == appId).ToList();
}
