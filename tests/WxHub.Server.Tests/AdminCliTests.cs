using WxHub.Testing;

namespace WxHub.Server.Tests;

/// <summary>The admin verbs of the real command line, run as a process against a data folder.</summary>
public sealed class AdminCliTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task App_and_key_verbs_manage_the_local_store_with_clear_exit_codes()
    {
        var add = await Wxhub("app", "add", "--appid", "wxcli0000000001", "--secret", "cli-secret", "--type", "mini_program");
        Assert.Equal(0, add.ExitCode);

        var list = await Wxhub("app", "list");
        Assert.Contains("wxcli0000000001", list.Output);
        Assert.Contains("mini_program", list.Output);
        Assert.DoesNotContain("cli-secret", list.Output);

        var duplicate = await Wxhub("app", "add", "--appid", "wxcli0000000001", "--secret", "x", "--type", "website");
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("already registered", duplicate.Error);

        var badType = await Wxhub("app", "add", "--appid", "wxcli2", "--secret", "x", "--type", "robot");
        Assert.Equal(2, badType.ExitCode);
        Assert.Contains("'type' must be", badType.Error);

        var key = await Wxhub("key", "create", "--name", "shop", "--apps", "wxcli0000000001");
        Assert.Equal(0, key.ExitCode);
        Assert.StartsWith("wxk_", key.Output.Trim());

        var keys = await Wxhub("key", "list");
        Assert.Contains("shop", keys.Output);
        Assert.DoesNotContain(key.Output.Trim(), keys.Output);
        var id = key.Output.Trim()[4..20];
        Assert.Equal(0, (await Wxhub("key", "revoke", id)).ExitCode);
        Assert.Contains("revoked", (await Wxhub("key", "list")).Output);

        Assert.Equal(0, (await Wxhub("app", "remove", "wxcli0000000001")).ExitCode);
        var missing = await Wxhub("app", "show", "wxcli0000000001");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("No app", missing.Error);
    }

    [Fact]
    public async Task Help_and_version_answer()
    {
        var help = await Wxhub("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var verb in new[] { "serve", "emulator", "app", "key" }) Assert.Contains(verb, help.Output);
        var version = await Wxhub("--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output.Trim());
    }

    private Task<(int ExitCode, string Output, string Error)> Wxhub(params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string> { ["WXHUB_DATA"] = _data.Path }, args);
}
