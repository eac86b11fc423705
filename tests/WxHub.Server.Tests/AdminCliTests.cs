using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Credentials;
using WxHub.Server.Hosting;
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
        foreach (var verb in new[] { "serve", "emulator", "app", "key", "status" }) Assert.Contains(verb, help.Output);
        var version = await Wxhub("--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output.Trim());
    }

    [Fact]
    public async Task Status_lists_every_credential_with_time_left_state_and_last_error_and_exits_1_when_one_fails()
    {
        var empty = await Wxhub("status");
        Assert.Equal(0, empty.ExitCode);
        Assert.Contains("No apps", empty.Output);

        Assert.Equal(0, (await Wxhub("app", "add", "--appid", "wxstatus00000001", "--secret", "s1", "--type", "official_account")).ExitCode);
        var unfetched = await Wxhub("status");
        Assert.Equal(1, unfetched.ExitCode); // no token fetched yet
        Assert.Contains(" missing ", unfetched.Output);

        Assert.Equal(0, (await Wxhub("app", "add", "--appid", "wxstatus00000002", "--secret", "s2", "--type", "official_account")).ExitCode);
        // The server would have written these; the CLI runs on the real clock, so the token lives 90 minutes from now.
        var now = TimeProvider.System.GetUtcNow();
        await using (var services = new ServiceCollection().AddWxHubAdministration(new WxHubSettings { Data = _data.Path }).BuildServiceProvider())
        {
            await services.GetRequiredService<ICredentialStore>().SaveAsync(
                new StoredCredential(new("wxstatus00000001", CredentialKind.AccessToken), "token-value-never-shown", now, now.AddHours(1).AddMinutes(30)));
            await services.GetRequiredService<IRefreshEventStore>().AddAsync(new RefreshEvent(
                new("wxstatus00000002", CredentialKind.AccessToken), now, RefreshReason.Demand, RefreshOutcome.Failed, 40164, "stable_token: add this IP to the whitelist"));
        }

        var status = await Wxhub("status");
        Assert.Equal(1, status.ExitCode);
        var lines = status.Output.Split('\n');
        var valid = Assert.Single(lines, l => l.StartsWith("wxstatus00000001", StringComparison.Ordinal));
        Assert.Contains("access_token", valid);
        Assert.Contains(" valid ", valid);
        Assert.Contains(" 1h", valid);
        var failing = Assert.Single(lines, l => l.StartsWith("wxstatus00000002", StringComparison.Ordinal));
        Assert.Contains(" failing ", failing);
        Assert.Contains("errcode 40164: stable_token: add this IP to the whitelist", failing);
        Assert.DoesNotContain("token-value-never-shown", status.Output);

        Assert.Equal(0, (await Wxhub("app", "remove", "wxstatus00000002")).ExitCode);
        Assert.Equal(0, (await Wxhub("status")).ExitCode);
    }

    private Task<(int ExitCode, string Output, string Error)> Wxhub(params string[] args) =>
        WxhubCli.RunAsync(new Dictionary<string, string> { ["WXHUB_DATA"] = _data.Path }, args);
}
