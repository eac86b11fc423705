using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WxHub.Server.Hosting;
using WxHub.Testing;

namespace WxHub.Server.Tests;

public sealed class AdminApiTests : IAsyncLifetime
{
    private const string AdminKey = "test-admin-key-0123456789";
    private const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private readonly TempDirectory _data = new();
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(WxHubApplication.Build(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = _data.Path,
            ["AdminKey"] = AdminKey,
        }));
        _server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Admin_routes_refuse_a_missing_or_wrong_admin_key_with_401_json()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Address };
        var missing = await anonymous.GetAsync("/v1/admin/apps");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("unauthorized", (await Json(missing))["error"]!.GetValue<string>());

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/admin/keys", new { name = "k", apps = new[] { "*" } })).StatusCode);
    }

    [Fact]
    public async Task An_app_is_registered_shown_changed_and_removed_without_ever_echoing_its_secrets()
    {
        var created = await _server.Client.PostAsJsonAsync("/v1/admin/apps", new
        {
            appid = "wx0000000000000001", secret = "s3cret-value", type = "official_account", token = "tok123", encoding_aes_key = AesKey,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cret-value", body);
        Assert.DoesNotContain(AesKey, body);
        var view = JsonNode.Parse(body)!;
        Assert.Equal("stable", view["token_mode"]!.GetValue<string>());
        Assert.True(view["has_encoding_aes_key"]!.GetValue<bool>());

        var duplicate = await _server.Client.PostAsJsonAsync("/v1/admin/apps", new { appid = "wx0000000000000001", secret = "x", type = "official_account" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("app_exists", (await Json(duplicate))["error"]!.GetValue<string>());

        var patched = await _server.Client.PatchAsJsonAsync("/v1/admin/apps/wx0000000000000001", new { token_mode = "classic" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("classic", (await Json(patched))["token_mode"]!.GetValue<string>());

        var list = JsonNode.Parse(await _server.Client.GetStringAsync("/v1/admin/apps"))!.AsArray();
        Assert.Equal(["wx0000000000000001"], list.Select(a => a!["appid"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await _server.Client.DeleteAsync("/v1/admin/apps/wx0000000000000001")).StatusCode);
        var gone = await _server.Client.GetAsync("/v1/admin/apps/wx0000000000000001");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("app_not_found", (await Json(gone))["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"secret":"s","type":"official_account"}""", "invalid_appid")]
    [InlineData("""{"appid":"wx1","type":"official_account"}""", "invalid_secret")]
    [InlineData("""{"appid":"wx1","secret":"s","type":"robot"}""", "invalid_type")]
    [InlineData("""{"appid":"wx1","secret":"s","type":"website","token_mode":"fast"}""", "invalid_token_mode")]
    [InlineData("""{"appid":"wx1","secret":"s","type":"website","encoding_aes_key":"short"}""", "invalid_encoding_aes_key")]
    [InlineData("""{"appid":"wx1","secret":"s","type":"website","token":"a b"}""", "invalid_token")]
    [InlineData("""{"appid": "wx1", """, "invalid_json")]
    [InlineData("""[1,2,3]""", "invalid_json")]
    [InlineData("""{"appid": 42}""", "invalid_json")]
    public async Task Bad_registrations_get_400_with_a_code_and_a_message(string json, string error)
    {
        var response = await _server.Client.PostAsync("/v1/admin/apps", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        var response = await _server.Client.PostAsync("/v1/admin/apps",
            new StringContent("{\"appid\":\"" + new string('a', 100_000) + "\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", (await Json(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_is_shown_once_listed_without_its_secret_and_revoked()
    {
        var created = await _server.Client.PostAsJsonAsync("/v1/admin/keys", new { name = "shop", apps = new[] { "wxA" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var id = body["id"]!.GetValue<string>();
        var key = body["key"]!.GetValue<string>();
        Assert.StartsWith("wxk_" + id + "_", key);
        Assert.Equal(WxHub.Core.Access.ApiScopes.All, body["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        var listed = await _server.Client.GetStringAsync("/v1/admin/keys");
        Assert.Contains(id, listed);
        Assert.DoesNotContain(key, listed);

        Assert.Equal(HttpStatusCode.NoContent, (await _server.Client.DeleteAsync($"/v1/admin/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client.DeleteAsync("/v1/admin/keys/ffffffffffffffff")).StatusCode);
        var revoked = JsonNode.Parse(await _server.Client.GetStringAsync("/v1/admin/keys"))!.AsArray().Single()!;
        Assert.Equal(JsonValueKind.String, revoked["revoked_at"]!.GetValueKind());
    }

    [Fact]
    public async Task Keys_with_unknown_scopes_or_no_apps_are_refused()
    {
        var scopes = await _server.Client.PostAsJsonAsync("/v1/admin/keys", new { name = "k", apps = new[] { "*" }, scopes = new[] { "everything" } });
        Assert.Equal("invalid_scopes", (await Json(scopes))["error"]!.GetValue<string>());
        var apps = await _server.Client.PostAsJsonAsync("/v1/admin/keys", new { name = "k", apps = Array.Empty<string>() });
        Assert.Equal("invalid_apps", (await Json(apps))["error"]!.GetValue<string>());
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
