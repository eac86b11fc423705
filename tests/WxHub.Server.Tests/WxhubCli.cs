using System.Diagnostics;

namespace WxHub.Server.Tests;

/// <summary>Runs the real command line (<c>wxhub.dll</c>, built next to the tests) as a process, with no input unless given some.</summary>
internal static class WxhubCli
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunWithInputAsync(environment, null, args);

    /// <param name="input">Written to the command's standard input, which is then closed.</param>
    public static async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(IReadOnlyDictionary<string, string> environment, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wxhub.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output, await error);
    }
}
