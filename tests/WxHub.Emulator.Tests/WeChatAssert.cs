using System.Text.Json;

namespace WxHub.Emulator.Tests;

/// <summary>Reading WeChat's JSON the way a client must: errcode absent means success.</summary>
internal static class WeChatAssert
{
    public static int ErrCode(JsonElement body) =>
        body.TryGetProperty("errcode", out var code) ? code.GetInt32() : 0;

    /// <summary>Asserts a WeChat error with its code and an errmsg carrying a trace id, as WeChat's do.</summary>
    public static void Error(int expected, JsonElement body)
    {
        Assert.True(expected == ErrCode(body), $"expected errcode {expected}, got {body}");
        Assert.Contains("rid: ", body.GetProperty("errmsg").GetString());
    }

    public static void Ok(JsonElement body) => Assert.True(ErrCode(body) == 0, $"expected success, got {body}");

    public static string String(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) ? value.GetString()! : throw new Xunit.Sdk.XunitException($"no \"{property}\" in {body}");

    public static int Int(JsonElement body, string property) => body.GetProperty(property).GetInt32();
}
