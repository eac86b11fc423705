using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace WxHub.Bench;

/// <summary>The real <c>wxhub serve</c> as a child process (so that its memory and CPU are its own), with an admin client.</summary>
internal sealed class WxHubChild : IDisposable
{
    private readonly Process _process;

    private WxHubChild(Process process, HttpClient admin, TimeSpan startedIn)
    {
        _process = process;
        Admin = admin;
        StartedIn = startedIn;
    }

    public HttpClient Admin { get; }

    /// <summary>From spawning the process to its first ready answer (<c>/readyz</c> 200: the store answers, the schedule is built).</summary>
    public TimeSpan StartedIn { get; }

    public static async Task<WxHubChild> StartAsync(string data, int port, string adminKey, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "wxhub.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data })
            start.ArgumentList.Add(arg);
        start.Environment["WXHUB_ADMINKEY"] = adminKey;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var watch = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"wxhub: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        await UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException("wxhub serve exited.");
            try { return (await admin.GetAsync("/readyz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromMinutes(2));
        return new WxHubChild(process, admin, watch.Elapsed);
    }

    /// <summary>VmHWM: the most resident memory the process has used.</summary>
    public long PeakBytes() =>
        File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024
            : 0;

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        Admin.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit) throw new TimeoutException("The benchmark stalled.");
            await Task.Delay(100);
        }
    }
}
