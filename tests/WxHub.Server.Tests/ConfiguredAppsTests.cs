using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Emulator;
using WxHub.Protocol.Crypto;
using WxHub.Server.Hosting;
using WxHub.Server.Tests.Credentials;
using WxHub.Testing;

namespace WxHub.Server.Tests;

/// <summary>
/// Apps declared in configuration (<c>Apps</c>, e.g. fed by a secret manager) are brought into the store at every
/// start, configuration winning over what the store holds; an invalid one stops the start.
/// </summary>
public sealed class ConfiguredAppsTests : IAsyncLifetime
{
    private const string AdminKey = "configured-apps-admin-key-0123456789";
    private const string Appid = "wxconfigured000001";
    private const string Secret = "configured-secret-0123456789abcdef";
    private readonly TempDirectory _data = new();
    private readonly ManualTimeProvider _clock = new();
    private WeChatEmulator _wechat = null!;

    public async Task InitializeAsync()
    {
        _wechat = await WeChatEmulator.StartAsync(new EmulatorOptions { TimeProvider = _clock });
        using var control = new HttpClient { BaseAddress = _wechat.BaseUrl };
        (await control.PostAsJsonAsync("/__emulator/apps", new { appid = Appid, secret = Secret, type = "official_account" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _wechat.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Apps_declared_in_configuration_are_imported_at_start_and_configuration_wins_over_the_store()
    {
        var aesKey = EncodingAesKey.Generate().Value;
        await using (var server = await StartAsync(("Secret", Secret), ("Type", "official_account"), ("Token", "configuredToken42"), ("EncodingAesKey", aesKey)))
        {
            using var admin = Client(server, AdminKey);
            var app = await admin.GetAsync($"/v1/admin/apps/{Appid}").OkAsync();
            Assert.Equal(("official_account", "stable", true, true),
                (app.Str("type"), app.Str("token_mode"), app["has_token"]!.GetValue<bool>(), app["has_encoding_aes_key"]!.GetValue<bool>()));

            // The imported secret works: WxHub gets the app a token WeChat takes.
            using var created = await admin.PostAsJsonAsync("/v1/admin/keys", new { name = "configured", apps = new[] { Appid } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var business = Client(server, JsonNode.Parse(await created.Content.ReadAsStringAsync())!.Str("key"));
            var token = (await business.AccessTokenAsync(Appid)).Str("access_token");
            using var wechat = new HttpClient { BaseAddress = _wechat.BaseUrl };
            Assert.Null(JsonNode.Parse(await wechat.GetStringAsync($"/cgi-bin/getcallbackip?access_token={Uri.EscapeDataString(token)}"))!["errcode"]);
        }
        foreach (var file in Directory.GetFiles(_data.Path, "wxhub.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Assert.True(bytes.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0, $"{Path.GetFileName(file)} holds the AppSecret in the clear.");
        }

        // Changed in configuration: the next start changes the stored app.
        await using (var server = await StartAsync(("Secret", Secret), ("Type", "official_account"), ("TokenMode", "classic")))
        {
            using var admin = Client(server, AdminKey);
            Assert.Equal("classic", (await admin.GetAsync($"/v1/admin/apps/{Appid}").OkAsync()).Str("token_mode"));
        }

        // An invalid declaration stops the start, naming the app.
        await using var broken = Build(("Secret", Secret), ("Type", "pager"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.StartAsync());
        Assert.Contains(Appid, error.Message);
    }

    private async Task<RunningServer> StartAsync(params (string Name, string Value)[] declared) => await RunningServer.StartAsync(Build(declared));

    private Microsoft.AspNetCore.Builder.WebApplication Build(params (string Name, string Value)[] declared)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = _data.Path,
            ["AdminKey"] = AdminKey,
            ["WeChatApi"] = _wechat.BaseUrl.ToString(),
            ["Apps:0:Appid"] = Appid,
        };
        foreach (var (name, value) in declared) settings[$"Apps:0:{name}"] = value;
        return WxHubApplication.Build(settings, services => services.AddSingleton<TimeProvider>(_clock));
    }

    private static HttpClient Client(RunningServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
