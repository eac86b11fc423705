namespace WxHub.Emulator.Messages;

internal sealed record TemplateSentBody(int Errcode, string Errmsg, long Msgid);

internal sealed record VideoUrlBody(string VideoUrl);
