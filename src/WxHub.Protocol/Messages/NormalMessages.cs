namespace WxHub.Protocol.Messages;

/// <summary>MsgType <c>text</c>.</summary>
public sealed record TextMessage : InboundMessage
{
    internal TextMessage(XmlFields fields) : base(fields) => Content = fields.Text("Content");

    public string Content { get; init; }
}

/// <summary>MsgType <c>image</c>.</summary>
public sealed record ImageMessage : InboundMessage
{
    internal ImageMessage(XmlFields fields) : base(fields)
    {
        PicUrl = fields.Text("PicUrl");
        MediaId = fields.Text("MediaId");
    }

    public string PicUrl { get; init; }

    public string MediaId { get; init; }
}

/// <summary>MsgType <c>voice</c>; <see cref="Recognition"/> is present when speech recognition is enabled.</summary>
public sealed record VoiceMessage : InboundMessage
{
    internal VoiceMessage(XmlFields fields) : base(fields)
    {
        MediaId = fields.Text("MediaId");
        Format = fields.Text("Format");
        Recognition = fields.Optional("Recognition");
        MediaId16K = fields.Optional("MediaId16K");
    }

    public string MediaId { get; init; }

    public string Format { get; init; }

    public string? Recognition { get; init; }

    public string? MediaId16K { get; init; }
}

/// <summary>What <c>video</c> and <c>shortvideo</c> messages share.</summary>
public abstract record VideoContentMessage : InboundMessage
{
    private protected VideoContentMessage(XmlFields fields) : base(fields)
    {
        MediaId = fields.Text("MediaId");
        ThumbMediaId = fields.Text("ThumbMediaId");
    }

    public string MediaId { get; init; }

    public string ThumbMediaId { get; init; }
}

/// <summary>MsgType <c>video</c>.</summary>
public sealed record VideoMessage : VideoContentMessage
{
    internal VideoMessage(XmlFields fields) : base(fields)
    {
    }
}

/// <summary>MsgType <c>shortvideo</c>.</summary>
public sealed record ShortVideoMessage : VideoContentMessage
{
    internal ShortVideoMessage(XmlFields fields) : base(fields)
    {
    }
}

/// <summary>MsgType <c>location</c>: <c>Location_X</c> is the latitude, <c>Location_Y</c> the longitude.</summary>
public sealed record LocationMessage : InboundMessage
{
    internal LocationMessage(XmlFields fields) : base(fields)
    {
        LocationX = fields.RequiredNumber<double>("Location_X");
        LocationY = fields.RequiredNumber<double>("Location_Y");
        Scale = fields.OptionalNumber<int>("Scale");
        Label = fields.Text("Label");
    }

    public double LocationX { get; init; }

    public double LocationY { get; init; }

    public int? Scale { get; init; }

    public string Label { get; init; }
}

/// <summary>MsgType <c>link</c>.</summary>
public sealed record LinkMessage : InboundMessage
{
    internal LinkMessage(XmlFields fields) : base(fields)
    {
        Title = fields.Text("Title");
        Description = fields.Text("Description");
        Url = fields.Text("Url");
    }

    public string Title { get; init; }

    public string Description { get; init; }

    public string Url { get; init; }
}

/// <summary>A MsgType this library does not model; everything is in <see cref="InboundMessage.Fields"/>.</summary>
public sealed record UnknownMessage : InboundMessage
{
    internal UnknownMessage(XmlFields fields) : base(fields)
    {
    }
}
