namespace WxHub.Emulator.Pushes;

/// <summary>
/// What <c>POST /__emulator/apps/{appid}/push</c> (and the other push calls) answer: how many attempts, how it ended
/// (<c>replied</c>, <c>acknowledged</c>, <c>invalid_reply</c>, <c>timeout</c>, <c>http_error</c>, <c>unreachable</c>),
/// the reply (decrypted when it was encrypted) and whether WeChat would accept it.
/// </summary>
internal sealed record PushResult(
    int Attempts,
    string Status,
    string? Reply,
    bool ReplyValid,
    string? ReplyError = null,
    int? HttpStatus = null,
    long? MsgId = null)
{
    public static PushResult Of(Delivery delivery, ReplyVerdict? verdict) => delivery.Outcome switch
    {
        DeliveryOutcome.Answered => new PushResult(delivery.Attempts, verdict!.Status, verdict.Reply, verdict.Valid, verdict.Error, delivery.HttpStatus),
        DeliveryOutcome.Timeout => new PushResult(delivery.Attempts, "timeout", null, false, "no answer within the push timeout"),
        DeliveryOutcome.HttpError => new PushResult(delivery.Attempts, "http_error", delivery.Body, false, $"HTTP {delivery.HttpStatus}", delivery.HttpStatus),
        _ => new PushResult(delivery.Attempts, "unreachable", null, false, "the connection failed"),
    };
}

/// <summary>WeChat's judgement of a reply body.</summary>
internal sealed record ReplyVerdict(string Status, string Reply, bool Valid, string? Error)
{
    public static ReplyVerdict Acknowledged(string body) => new("acknowledged", body, true, null);

    public static ReplyVerdict Replied(string xml) => new("replied", xml, true, null);

    public static ReplyVerdict Invalid(string body, string error) => new("invalid_reply", body, false, error);
}
