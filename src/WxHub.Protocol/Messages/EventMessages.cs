namespace WxHub.Protocol.Messages;

/// <summary>
/// MsgType <c>event</c>. Events without a richer record here (<c>unsubscribe</c>, <c>CLICK</c>, <c>VIEW</c>, and any
/// unknown event) are plain <see cref="EventMessage"/>s: <see cref="EventKey"/> is the menu key or target URL.
/// </summary>
public record EventMessage : InboundMessage
{
    internal EventMessage(XmlFields fields) : base(fields)
    {
        Event = fields.Required("Event");
        EventKey = fields.Optional("EventKey");
    }

    /// <summary>The event name as sent (WeChat mixes cases: <c>subscribe</c>, <c>SCAN</c>, <c>LOCATION</c>, …).</summary>
    public string Event { get; init; }

    public string? EventKey { get; init; }

    internal static EventMessage Create(XmlFields fields) => fields.Required("Event").ToLowerInvariant() switch
    {
        "subscribe" => new SubscribeEvent(fields),
        "scan" => new ScanEvent(fields),
        "location" => new LocationEvent(fields),
        "templatesendjobfinish" => new TemplateSendJobFinishEvent(fields),
        "masssendjobfinish" => new MassSendJobFinishEvent(fields),
        "scancode_push" or "scancode_waitmsg" => new ScanCodeEvent(fields),
        "pic_sysphoto" or "pic_photo_or_album" or "pic_weixin" => new SendPicsEvent(fields),
        "location_select" => new LocationSelectEvent(fields),
        _ => new EventMessage(fields),
    };
}

/// <summary>
/// <c>subscribe</c>. Through a parametric QR code <c>EventKey</c> is <c>qrscene_</c> + the scene and
/// <see cref="Ticket"/> is the QR ticket; a plain follow has neither (or an empty EventKey).
/// </summary>
public sealed record SubscribeEvent : EventMessage
{
    private const string QrScenePrefix = "qrscene_";

    internal SubscribeEvent(XmlFields fields) : base(fields) => Ticket = fields.Optional("Ticket");

    public string? Ticket { get; init; }

    /// <summary>The QR scene value without its <c>qrscene_</c> prefix, or null for a plain follow.</summary>
    public string? SceneValue => EventKey is { } key && key.StartsWith(QrScenePrefix, StringComparison.Ordinal)
        ? key[QrScenePrefix.Length..]
        : null;
}

/// <summary><c>SCAN</c>: a follower scanned a parametric QR code; <c>EventKey</c> is the scene value (no prefix).</summary>
public sealed record ScanEvent : EventMessage
{
    internal ScanEvent(XmlFields fields) : base(fields) => Ticket = fields.Optional("Ticket");

    public string? Ticket { get; init; }
}

/// <summary><c>LOCATION</c>: the location the user's client reports.</summary>
public sealed record LocationEvent : EventMessage
{
    internal LocationEvent(XmlFields fields) : base(fields)
    {
        Latitude = fields.RequiredNumber<double>("Latitude");
        Longitude = fields.RequiredNumber<double>("Longitude");
        Precision = fields.OptionalNumber<double>("Precision");
    }

    public double Latitude { get; init; }

    public double Longitude { get; init; }

    public double? Precision { get; init; }
}

/// <summary>
/// What the asynchronous send results share: <c>MsgID</c> (capital ID) is the msgid the send API returned, and
/// <see cref="Status"/> the outcome.
/// </summary>
public abstract record SendJobFinishEvent : EventMessage
{
    private protected SendJobFinishEvent(XmlFields fields) : base(fields)
    {
        SentMsgId = fields.RequiredNumber<long>("MsgID");
        Status = fields.Text("Status");
    }

    /// <summary>The <c>MsgID</c> element: the id of the send this reports on.</summary>
    public long SentMsgId { get; init; }

    public string Status { get; init; }
}

/// <summary>
/// <c>TEMPLATESENDJOBFINISH</c>: the delivery result of a template message; <see cref="SendJobFinishEvent.Status"/> is
/// <c>success</c>, <c>failed:user block</c> or <c>failed: system failed</c> (with or without the space).
/// </summary>
public sealed record TemplateSendJobFinishEvent : SendJobFinishEvent
{
    internal TemplateSendJobFinishEvent(XmlFields fields) : base(fields)
    {
    }

    public bool Delivered => string.Equals(Status, "success", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>MASSSENDJOBFINISH</c>: the result of a mass send.</summary>
public sealed record MassSendJobFinishEvent : SendJobFinishEvent
{
    internal MassSendJobFinishEvent(XmlFields fields) : base(fields)
    {
        TotalCount = fields.OptionalNumber<int>("TotalCount");
        FilterCount = fields.OptionalNumber<int>("FilterCount");
        SentCount = fields.OptionalNumber<int>("SentCount");
        ErrorCount = fields.OptionalNumber<int>("ErrorCount");
    }

    public int? TotalCount { get; init; }

    public int? FilterCount { get; init; }

    public int? SentCount { get; init; }

    public int? ErrorCount { get; init; }
}

/// <summary><c>scancode_push</c> / <c>scancode_waitmsg</c>: a menu scan, with <c>ScanCodeInfo</c>.</summary>
public sealed record ScanCodeEvent : EventMessage
{
    internal ScanCodeEvent(XmlFields fields) : base(fields)
    {
        ScanType = fields.Text("ScanCodeInfo/ScanType");
        ScanResult = fields.Text("ScanCodeInfo/ScanResult");
    }

    public string ScanType { get; init; }

    public string ScanResult { get; init; }
}

/// <summary><c>pic_sysphoto</c> / <c>pic_photo_or_album</c> / <c>pic_weixin</c>: pictures sent from a menu, with <c>SendPicsInfo</c>.</summary>
public sealed record SendPicsEvent : EventMessage
{
    internal SendPicsEvent(XmlFields fields) : base(fields)
    {
        Count = fields.OptionalNumber<int>("SendPicsInfo/Count");
        PicMd5Sums = fields.Repeated("SendPicsInfo/PicList", "item", "PicMd5Sum");
    }

    public int? Count { get; init; }

    public IReadOnlyList<string> PicMd5Sums { get; init; }
}

/// <summary><c>location_select</c>: a location chosen from a menu, with <c>SendLocationInfo</c>.</summary>
public sealed record LocationSelectEvent : EventMessage
{
    internal LocationSelectEvent(XmlFields fields) : base(fields)
    {
        LocationX = fields.OptionalNumber<double>("SendLocationInfo/Location_X");
        LocationY = fields.OptionalNumber<double>("SendLocationInfo/Location_Y");
        Scale = fields.OptionalNumber<int>("SendLocationInfo/Scale");
        Label = fields.Text("SendLocationInfo/Label");
        Poiname = fields.Optional("SendLocationInfo/Poiname");
    }

    public double? LocationX { get; init; }

    public double? LocationY { get; init; }

    public int? Scale { get; init; }

    public string Label { get; init; }

    public string? Poiname { get; init; }
}
