using System.Diagnostics;
using System.Text.Json;
using WxHub.Testing;

namespace WxHub.Emulator.Tests;

/// <summary><c>wxhub emulator</c> run as a process, the way a developer starts it for their own tests.</summary>
public sealed class CliTests : IDisposable
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ProcessStartInfo Wxhub(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wxhub.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    [Fact]
    public async Task The_emulator_verb_seeds_prints_its_access_points_and_applies_the_token_ttl()
    {
        var seed = Path.Combine(_folder.Path, "seed.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
        {
            apps = new[] { new { appid = "wxseeded", secret = Secret, type = "official_account" } },
            users = new[] { new { id = "alice", apps = new[] { "wxseeded" } } },
        }));
        using var process = Process.Start(Wxhub("emulator", "--urls", "http://127.0.0.1:0", "--seed", seed, "--token-ttl", "60"))!;
        try
        {
            var printed = new List<string>();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                printed.Add(line);

            Assert.Contains(printed, l => l.StartsWith("Seeded:", StringComparison.Ordinal) && l.Contains("1 apps") && l.Contains("1 users"));
            var accessPoints = printed.Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length == 2 && AccessPointNames.All.Contains(p[0]))
                .ToDictionary(p => p[0], p => new Uri(p[1]));
            Assert.Equal(AccessPointNames.All, accessPoints.Keys);

            using var client = new HttpClient { BaseAddress = accessPoints["sz"] };
            var token = JsonDocument.Parse(await client.GetStringAsync($"/cgi-bin/token?grant_type=client_credential&appid=wxseeded&secret={Secret}")).RootElement;
            Assert.Equal(60, token.GetProperty("expires_in").GetInt32());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_bad_seed_or_address_stops_it_with_a_message()
    {
        var seed = Path.Combine(_folder.Path, "seed.json");
        await File.WriteAllTextAsync(seed, """{"apps": [{"appid": "wx1", "type": "official_account"}]}""");

        foreach (var args in new[] { new[] { "emulator", "--urls", "http://127.0.0.1:0", "--seed", seed }, ["emulator", "--urls", "ftp://127.0.0.1:1"] })
        {
            using var process = Process.Start(Wxhub(args))!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(2, process.ExitCode);
            Assert.StartsWith("wxhub emulator: ", error);
        }
    }
}
