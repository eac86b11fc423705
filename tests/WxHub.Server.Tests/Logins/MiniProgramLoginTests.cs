using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WxHub.Server.Tests.Credentials;

namespace WxHub.Server.Tests.Logins;

public sealed class MiniProgramLoginTests : IAsyncLifetime
{
    private LoginWorld _world = null!;

    public async Task InitializeAsync() => _world = await LoginWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_login_gives_a_session_whose_key_stays_in_wxhub_and_decrypts_the_users_data()
    {
        var mini = await _world.AppAsync("mini_program");
        var (hana, openids, unionids) = await _world.UserAsync("hana", mini);
        using var key = await _world.Hub.KeyClientAsync(mini);

        var jsCode = await JsCodeAsync(mini, hana);
        using var answer = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = jsCode });
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.DoesNotContain("session_key", text);
        var session = JsonNode.Parse(text)!;
        Assert.Equal(openids[mini]!.GetValue<string>(), session.Str("openid"));
        Assert.Equal(unionids[LoginWorld.OpenAccount]!.GetValue<string>(), session.Str("unionid"));

        // The emulator encrypts the profile with the session_key it issued, as wx.getUserInfo hands it over.
        var packet = await OpenDataAsync(mini, hana, null);
        var data = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/decrypt",
            new { session_id = session.Str("session_id"), encryptedData = packet.Str("encryptedData"), iv = packet.Str("iv") }).OkAsync();
        Assert.Equal(openids[mini]!.GetValue<string>(), data.Str("openId"));
        Assert.Equal(mini, data["watermark"]!.Str("appid"));

        var phone = await OpenDataAsync(mini, hana, new JsonObject { ["phoneNumber"] = "+8613800000000" });
        var decrypted = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/decrypt",
            new { session_id = session.Str("session_id"), encryptedData = phone.Str("encryptedData"), iv = phone.Str("iv") }).OkAsync();
        Assert.Equal("+8613800000000", decrypted.Str("phoneNumber"));
    }

    [Fact]
    public async Task Data_for_another_app_another_session_or_no_session_is_refused()
    {
        var mini = await _world.AppAsync("mini_program");
        await _world.UserAsync("ivan", mini);
        using var key = await _world.Hub.KeyClientAsync(mini);
        var session = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = await JsCodeAsync(mini, "ivan") }).OkAsync();
        var id = session.Str("session_id");

        var foreign = await OpenDataAsync(mini, "ivan", new JsonObject { ["phoneNumber"] = "1", ["watermark"] = new JsonObject { ["appid"] = "wxsomeoneelse" } });
        var mismatch = await Decrypt(key, mini, id, foreign).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("watermark_mismatch", mismatch.Str("error"));

        // A new wx.login replaces the key: data made under it does not open with the first session.
        var current = await OpenDataAsync(mini, "ivan", null);
        await Decrypt(key, mini, id, current).OkAsync();
        await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = await JsCodeAsync(mini, "ivan") }).OkAsync();
        var stale = await Decrypt(key, mini, id, await OpenDataAsync(mini, "ivan", null)).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("decryption_failed", stale.Str("error"));

        var bad = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/decrypt", new { session_id = id, encryptedData = "%%%", iv = current.Str("iv") }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_encrypted_data", bad.Str("error"));
        var missing = await Decrypt(key, mini, "0123456789abcdef0123456789abcdef", current).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("session_not_found", missing.Str("error"));

        _world.Hub.Clock.Advance(TimeSpan.FromDays(3));
        await Decrypt(key, mini, id, current).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_js_code_works_once_and_only_for_mini_programs()
    {
        var mini = await _world.AppAsync("mini_program");
        var oa = await _world.AppAsync("official_account");
        await _world.UserAsync("judy", mini);
        using var key = await _world.Hub.KeyClientAsync(mini, oa);

        var code = await JsCodeAsync(mini, "judy");
        await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = code }).OkAsync();
        var replay = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = code }).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("code_replayed", replay.Str("error"));
        var invalid = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { js_code = "nope" }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_code", invalid.Str("error"));
        var empty = await key.PostAsJsonAsync($"/v1/apps/{mini}/miniprogram/session", new { }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request", empty.Str("error"));
        var wrongType = await key.PostAsJsonAsync($"/v1/apps/{oa}/miniprogram/session", new { js_code = "x" }).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("wrong_app_type", wrongType.Str("error"));
    }

    private static Task<HttpResponseMessage> Decrypt(HttpClient key, string appid, string sessionId, JsonNode packet) =>
        key.PostAsJsonAsync($"/v1/apps/{appid}/miniprogram/decrypt", new { session_id = sessionId, encryptedData = packet.Str("encryptedData"), iv = packet.Str("iv") });

    /// <summary>What wx.login gives the Mini Program.</summary>
    private async Task<string> JsCodeAsync(string appid, string user)
    {
        var issued = await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{appid}/jscode", new { user });
        issued.EnsureSuccessStatusCode();
        return JsonNode.Parse(await issued.Content.ReadAsStringAsync())!.Str("js_code");
    }

    private async Task<JsonNode> OpenDataAsync(string appid, string user, JsonObject? data)
    {
        var packet = await _world.Hub.EmulatorClient.PostAsJsonAsync($"/__emulator/apps/{appid}/open_data", new { user, data });
        var text = await packet.Content.ReadAsStringAsync();
        Assert.True(packet.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }
}
