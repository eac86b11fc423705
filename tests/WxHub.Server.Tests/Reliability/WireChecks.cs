using System.Net;
using System.Text.Json.Nodes;
using WxHub.Server.Tests.Messages;

namespace WxHub.Server.Tests.Reliability;

/// <summary>What the reliability tests ask of WeChat (the emulator) and of calls that must go through.</summary>
internal static class WireChecks
{
    /// <summary>WeChat takes the token: an API that needs a valid access token answers without an error.</summary>
    public static async Task<bool> TakesAsync(this HttpClient wechat, string token)
    {
        var check = JsonNode.Parse(await wechat.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(token)}"))!;
        return check["errcode"] is null || check["errcode"]!.GetValue<int>() == 0;
    }

    /// <summary>The JSON answer of a call that must succeed (an empty body as an empty object).</summary>
    public static Task<JsonNode> SucceedsAsync(Task<HttpResponseMessage> call) => AnswerAsync(call, response => response.IsSuccessStatusCode);

    /// <summary>The JSON answer of a call that must answer <paramref name="status"/>.</summary>
    public static Task<JsonNode> ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> call) => AnswerAsync(call, response => response.StatusCode == status);

    /// <summary>The text a delivered text message carried.</summary>
    public static string TextContent(this ReceivedDelivery delivery) => delivery.Message["fields"]!["Content"]!.GetValue<string>();

    private static async Task<JsonNode> AnswerAsync(Task<HttpResponseMessage> call, Func<HttpResponseMessage, bool> expected)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected(response), $"{response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body.Length == 0 ? "{}" : body)!;
    }
}
