namespace WxHub.Emulator.Messages;

internal sealed record TemplateSentBody(int Errcode, string Errmsg, long Msgid);

internal sealed record VideoUrlBody(string VideoUrl);

internal sealed record MediaUploadedBody(string Type, string? MediaId, string? ThumbMediaId, long CreatedAt);
