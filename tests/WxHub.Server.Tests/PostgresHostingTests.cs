using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using WxHub.Core.WeChat;
using WxHub.Server.Hosting;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;

namespace WxHub.Server.Tests;

/// <summary>The server on the PostgreSQL store: settings, shared keys, several instances, readiness.</summary>
public sealed class PostgresHostingTests : IAsyncLifetime
{
    private const string AdminKey = "wxa_postgres-test-admin-key";
    private static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Dictionary<string, string?> Settings() => new()
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Store"] = "postgres",
        ["Connection"] = _database.ConnectionString,
        ["MasterKey"] = MasterKey,
        ["AdminKey"] = AdminKey,
        // Nothing listens there: a token read fails fast instead of leaving the machine.
        ["WeChatApi"] = "http://127.0.0.1:9",
    };

    private async Task<RunningServer> StartAsync()
    {
        var server = await RunningServer.StartAsync(WxHubApplication.Build(Settings()));
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return server;
    }

    [Fact]
    public async Task Instances_on_one_database_share_apps_and_keys()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();

        var created = await first.Client.PostAsJsonAsync("/v1/admin/apps", new { appid = "wxpg00000000001", secret = "pg-secret", type = "official_account" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var apps = await second.Client.GetStringAsync("/v1/admin/apps");
        Assert.Contains("wxpg00000000001", apps);
        Assert.DoesNotContain("pg-secret", apps);
    }

    [Fact]
    public async Task A_key_revoked_on_one_instance_stops_working_on_the_others_that_cached_it()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var (client, keyId) = await KeyClientAsync(first, second, "wxpg00000000002");
        using var business = client;
        // The second instance now has the key in its cache (the read itself fails: there is no WeChat here).
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await business.GetAsync("/v1/apps/wxpg00000000002/access-token")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await first.Client.DeleteAsync($"/v1/admin/keys/{keyId}")).StatusCode);
        await Eventually.True(async () => (await business.GetAsync("/v1/apps/wxpg00000000002/access-token")).StatusCode == HttpStatusCode.Unauthorized,
            "the revocation is heard by the other instance", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_app_changed_on_one_instance_is_forgotten_by_the_others()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var (client, _) = await KeyClientAsync(first, second, "wxpg00000000003");
        using var business = client;
        // The second instance now holds the token's state (a fault: there is no WeChat here).
        await business.GetAsync("/v1/apps/wxpg00000000003/access-token");
        Assert.Equal(1, await HeldCredentialsAsync(second, "wxpg00000000003"));

        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/admin/apps/wxpg00000000003") { Content = JsonContent.Create(new { secret = "new-secret" }) };
        Assert.Equal(HttpStatusCode.OK, (await first.Client.SendAsync(patch)).StatusCode);
        await Eventually.True(async () => await HeldCredentialsAsync(second, "wxpg00000000003") == 0, "the change is heard by the other instance", TimeSpan.FromSeconds(10));
    }

    /// <summary>Registers an app through <paramref name="first"/>; a client of <paramref name="second"/> with a new key for it, and the key's id.</summary>
    private static async Task<(HttpClient Client, string KeyId)> KeyClientAsync(RunningServer first, RunningServer second, string appid)
    {
        Assert.Equal(HttpStatusCode.Created, (await first.Client.PostAsJsonAsync("/v1/admin/apps", new { appid, secret = "pg-secret", type = "official_account" })).StatusCode);
        var created = JsonDocument.Parse(await (await first.Client.PostAsJsonAsync("/v1/admin/keys", new { name = "shop", apps = new[] { appid } })).Content.ReadAsStringAsync()).RootElement;
        var client = new HttpClient { BaseAddress = second.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("key").GetString());
        return (client, created.GetProperty("id").GetString()!);
    }

    private static async Task<int> HeldCredentialsAsync(RunningServer server, string appid) =>
        JsonDocument.Parse(await server.Client.GetStringAsync($"/v1/admin/apps/{appid}/events")).RootElement.GetProperty("credentials").GetArrayLength();

    [Fact]
    public async Task Tokens_are_kept_in_postgres_across_a_restart()
    {
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Store"] = "postgres",
            ["Connection"] = _database.ConnectionString,
            ["MasterKey"] = MasterKey,
        });
        var appid = await hub.RegisterAppAsync();
        var token = (await (await hub.KeyClientAsync(appid)).AccessTokenAsync(appid)).Str("access_token");

        await hub.RestartServerAsync();
        Assert.Equal(token, (await (await hub.KeyClientAsync(appid)).AccessTokenAsync(appid)).Str("access_token"));
        Assert.Equal(1, await hub.UpstreamCallsAsync(WeChatEndpoints.StableToken, appid));
    }

    [Fact]
    public async Task Readyz_says_not_ready_while_the_database_is_unreachable_and_recovers_by_itself()
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);

        await _database.CutOffAsync();
        var down = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal("store_unreachable", body.GetProperty("error").GetString());
        Assert.Contains("PostgreSQL", body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);

        await _database.RestoreAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
    }

    [Theory]
    [InlineData("MasterKey", "WXHUB_MASTER_KEY")]
    [InlineData("AdminKey", "WXHUB_ADMIN_KEY")]
    [InlineData("Connection", "WXHUB_CONNECTION")]
    public void Postgres_without_a_shared_setting_refuses_to_start_and_names_it(string missing, string named)
    {
        var settings = Settings();
        settings.Remove(missing);
        var e = Assert.Throws<InvalidOperationException>(() => WxHubApplication.Build(settings));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public async Task Serve_takes_store_and_connection_flags_and_explains_a_missing_key()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "wxhub.dll"), "serve", "--urls", "http://127.0.0.1:0", "--store", "postgres", "--connection", _database.ConnectionString })
            start.ArgumentList.Add(arg);
        start.Environment.Remove("WXHUB_MASTER_KEY");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("wxhub: With the PostgreSQL store every instance must share the keys: set WXHUB_MASTER_KEY", await error);
    }

    [Fact]
    public void An_unknown_store_is_refused_with_the_choices()
    {
        var settings = Settings();
        settings["Store"] = "mysql";
        var e = Assert.Throws<InvalidOperationException>(() => WxHubApplication.Build(settings));
        Assert.Contains("--store sqlite", e.Message);
    }
}
