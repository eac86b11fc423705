using System.Diagnostics;

namespace WxHub.Server.Tests.Proxy;

/// <summary>
/// A widely used third-party WeChat SDK for Node.js (co-wechat-api, from the npm registry), configured with nothing but
/// the proxy's base URL, the appid and a WxHub API key in place of the AppSecret.
/// </summary>
public sealed class NodeSdkTests : IAsyncLifetime
{
    private const string Package = "co-wechat-api@3.11.0";

    /// <summary>The SDK's own calls: fetch a token from {prefix}token, then POST {prefix}message/custom/send.</summary>
    private const string Script = """
        const API = require(process.env.WXHUB_SDK);
        const [base, appid, key, openid, text] = process.argv.slice(2);
        const api = new API(appid, key);
        api.prefix = base + '/cgi-bin/';
        api.sendText(openid, text).then(
          result => console.log(JSON.stringify(result)),
          error => { console.error(`${error.name} ${error.code}: ${error.message}`); process.exit(1); });
        """;

    private HubFixture _hub = null!;

    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Co_wechat_api_sends_a_customer_service_message_through_WxHub()
    {
        var sdk = await InstallAsync();
        var appid = await _hub.RegisterAppAsync(callbackUrl: WeChatWorld.NowhereCallback);
        var key = await _hub.CreateKeyAsync([appid]);
        var openid = await _hub.FollowerWithOpenWindowAsync(appid);
        using var work = new TempDirectory();
        var script = Path.Combine(work.Path, "send.js");
        await File.WriteAllTextAsync(script, Script);

        var run = await RunAsync("node", [script, new Uri(_hub.Server.Address, $"/wechat-api/{appid}").AbsoluteUri, appid, key, openid, "hello from co-wechat-api"],
            work.Path, new() { ["WXHUB_SDK"] = sdk });

        Assert.True(run.ExitCode == 0, $"node exited {run.ExitCode}: {run.Output}");
        var message = Assert.Single(await _hub.SentMessagesAsync(appid));
        Assert.Equal(openid, message["touser"]!.GetValue<string>());
        Assert.Equal("hello from co-wechat-api", message["body"]!["text"]!["content"]!.GetValue<string>());
    }

    /// <summary>Installs the SDK from the npm registry once into artifacts/npm (kept between runs); returns its folder.</summary>
    private static async Task<string> InstallAsync()
    {
        var prefix = Path.Combine(RepositoryRoot(), "artifacts", "npm", Package);
        var module = Path.Combine(prefix, "node_modules", "co-wechat-api");
        if (File.Exists(Path.Combine(module, "package.json"))) return module;

        Directory.CreateDirectory(prefix);
        var install = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", prefix, Package], prefix, []);
        Assert.True(install.ExitCode == 0, $"npm install {Package} exited {install.ExitCode}: {install.Output}");
        return module;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WxHub.slnx"))) return folder.FullName;
        }
        throw new InvalidOperationException($"No WxHub.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs a program to its end (killed after two minutes, so a hung child cannot hang the tests).</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string folder, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within two minutes.");
        }
        return (process.ExitCode, await output + await errors);
    }
}
