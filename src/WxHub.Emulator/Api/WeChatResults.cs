using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Api;

/// <summary>WeChat's answers: JSON with HTTP 200, errors included.</summary>
internal static class WeChatResults
{
    public static IResult Json<T>(T body, JsonTypeInfo<T> type) => Results.Json(body, type);

    /// <summary><c>{"errcode":0,"errmsg":"ok"}</c>, the success body of APIs that are not credential endpoints.</summary>
    public static IResult Ok() => Json(new StatusBody(0, "ok"), EmulatorJson.Default.StatusBody);

    public static IResult Error(WeChatError error) => Json(new StatusBody(error.Code, error.ErrMsg), EmulatorJson.Default.StatusBody);
}

internal sealed record StatusBody(int Errcode, string Errmsg);
