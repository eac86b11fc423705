using WxHub.Emulator;
using WxHub.Server.Tests.Components;

namespace WxHub.Server.Tests.Operations;

/// <summary>The operator's verbs of the real command line: the dashboard password hash, a platform's sync with its progress.</summary>
public sealed class OperationsCliTests : IAsyncLifetime
{
    private HubFixture _hub = null!;

    // The command line runs on the system clock: the hub's clock starts there, so the ticket it stored is fresh for the command.
    public async Task InitializeAsync() => _hub = await HubFixture.StartAsync(clockStart: TimeProvider.System.GetUtcNow());

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Hash_password_reads_standard_input_and_its_hash_signs_the_operator_in()
    {
        var tooShort = await WxhubCli.RunWithInputAsync(new Dictionary<string, string>(), "short\n", "dashboard", "hash-password");
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("at least 12 characters", tooShort.Error);

        const string password = "correct horse battery staple";
        var run = await WxhubCli.RunWithInputAsync(new Dictionary<string, string>(), password + "\n", "dashboard", "hash-password");
        Assert.True(run.ExitCode == 0, run.Error);
        var hash = run.Output.Trim();
        Assert.StartsWith("pbkdf2-sha256$600000$", hash);
        Assert.DoesNotContain(password, run.Output + run.Error);

        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["Dashboard:OperatorPasswordHash"] = hash });
        using var browser = new DashboardBrowser(hub.Server.Address);
        await browser.SignInAsync(password);
    }

    [Fact]
    public async Task Component_sync_reports_progress_on_standard_error_and_the_result_on_standard_output()
    {
        var platform = await Platform.StartAsync(_hub);
        foreach (var appid in new[] { "wxsynced0000000001", "wxsynced0000000002" })
        {
            await platform.RegisterAccountAsync(appid, appid);
            await platform.AuthorizeByControlAsync(appid);
        }

        var run = await Wxhub("component", "sync", Platform.Appid);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("2 listed by WeChat: 0 added, 0 refresh tokens replaced, 2 unchanged, 0 ended.", run.Output);
        Assert.Contains($"Authorizers of {Platform.Appid} listed by WeChat: 2 of 2", run.Error);

        var unknown = await Wxhub("component", "sync", "wxnosuchplatform01");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("wxhub: ", unknown.Error);
        Assert.Contains("wxnosuchplatform01", unknown.Error);
        Assert.Equal("", unknown.Output);
    }

    private Task<(int ExitCode, string Output, string Error)> Wxhub(params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string>
        {
            ["WXHUB_DATA"] = _hub.DataPath,
            ["WXHUB_WECHATAPI"] = string.Join(",", AccessPointNames.All.Select(name => _hub.Emulator.AccessPoints[name])),
        }, args);
}
