using System.Net.Http.Json;
using System.Text.Json;
using WxHub.Emulator;

namespace WxHub.Testing;

/// <summary>
/// The WeChat emulator started in-process on loopback ports, following a test's <see cref="ManualTimeProvider"/>,
/// with a client aimed at its <c>api</c> access point and helpers for its JSON API.
/// </summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(WeChatEmulator emulator, ManualTimeProvider clock)
    {
        Emulator = emulator;
        Clock = clock;
        Client = new HttpClient { BaseAddress = emulator.BaseUrl };
    }

    public WeChatEmulator Emulator { get; }
    public ManualTimeProvider Clock { get; }
    public HttpClient Client { get; }

    public static async Task<EmulatorHarness> StartAsync(ManualTimeProvider? clock = null, Action<EmulatorOptions>? configure = null)
    {
        clock ??= new ManualTimeProvider();
        var options = new EmulatorOptions { TimeProvider = clock };
        configure?.Invoke(options);
        return new EmulatorHarness(await WeChatEmulator.StartAsync(options), clock);
    }

    /// <summary>Registers an account through <c>POST /__emulator/apps</c>; fails the test if the emulator refuses.</summary>
    public Task<JsonElement> RegisterAppAsync(object app) => ControlAsync(HttpMethod.Post, "/__emulator/apps", app);

    /// <summary>A control call that must succeed; returns its JSON (or an empty element for 204).</summary>
    public async Task<JsonElement> ControlAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        var text = await Client.GetStringAsync(pathAndQuery);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonAsync(string pathAndQuery, object body)
    {
        using var response = await Client.PostAsJsonAsync(pathAndQuery, body);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
