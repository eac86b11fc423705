using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WxHub.Testing;

/// <summary>What tests of calls to WeChat need from the emulator: users, open customer-service windows and what reached users.</summary>
public static class WeChatWorld
{
    /// <summary>Nothing listens here: pushes fail at once, after the emulator has opened the service window.</summary>
    public static readonly Uri NowhereCallback = new("http://127.0.0.1:9/callback");

    /// <summary>A new user following the app; returns their openid for it.</summary>
    public static async Task<string> FollowerAsync(this HubFixture hub, string appid)
    {
        using var created = await hub.EmulatorClient.PostAsJsonAsync("/__emulator/users", new { apps = new[] { appid } });
        return JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["openids"]![appid]!.GetValue<string>();
    }

    /// <summary>A follower of the app who just sent it a message, so customer-service messages to them are allowed (5 within 48 h).</summary>
    public static async Task<string> FollowerWithOpenWindowAsync(this HubFixture hub, string appid)
    {
        var openid = await hub.FollowerAsync(appid);
        using var pushed = await hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{appid}/push", new { msg_type = "text", from = openid, content = "hello" });
        pushed.EnsureSuccessStatusCode();
        return openid;
    }

    /// <summary>The customer-service and template messages the emulator recorded as sent by the app.</summary>
    public static async Task<List<JsonNode>> SentMessagesAsync(this HubFixture hub, string appid)
    {
        var log = JsonNode.Parse(await hub.EmulatorClient.GetStringAsync($"/__emulator/apps/{appid}/messages"))!;
        return log["messages"]!.AsArray().Select(m => m!).ToList();
    }

    public static object Text(string openid, string content) => new { touser = openid, msgtype = "text", text = new { content } };
}
