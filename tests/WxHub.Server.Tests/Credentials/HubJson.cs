using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WxHub.Server.Tests.Credentials;

/// <summary>Reads WxHub's answers in tests.</summary>
internal static class HubJson
{
    public static async Task<JsonNode> OkAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> ErrorAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var error = JsonNode.Parse(body)!;
        Assert.False(string.IsNullOrEmpty(error["error"]?.GetValue<string>()), body);
        Assert.False(string.IsNullOrEmpty(error["message"]?.GetValue<string>()), body);
        return error;
    }

    public static Task<JsonNode> AccessTokenAsync(this HttpClient client, string appid) =>
        client.GetAsync($"/v1/apps/{appid}/access-token").OkAsync();

    public static Task<HttpResponseMessage> InvalidateAsync(this HttpClient client, string appid, string token) =>
        client.PostAsJsonAsync($"/v1/apps/{appid}/access-token/invalidate", new { access_token = token });

    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static DateTimeOffset Time(this JsonNode node, string name) => DateTimeOffset.Parse(node.Str(name), System.Globalization.CultureInfo.InvariantCulture);
}
