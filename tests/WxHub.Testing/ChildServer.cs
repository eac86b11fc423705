using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace WxHub.Testing;

/// <summary>
/// The real <c>wxhub serve</c> as a child process on a fixed loopback port, with an admin client: for tests that kill it
/// with SIGKILL (no shutdown hooks, no flushing, only what was durable survives) and for benchmarks that measure its
/// start-up, memory and CPU apart from the load generator's.
/// </summary>
public sealed class ChildServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildServer(Process process, Uri address, string adminKey, TimeSpan adminTimeout)
    {
        _process = process;
        Address = address;
        Admin = new HttpClient { BaseAddress = address, Timeout = adminTimeout };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public Uri Address { get; }

    public HttpClient Admin { get; }

    /// <summary>The child's process id: part of its instance id, so a test can tell which process holds a lease.</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>From spawning the process to its first answer on the ready path.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <param name="environment">More settings as <c>WXHUB_</c> environment variables (e.g. <c>WXHUB_WECHATAPI</c>).</param>
    /// <param name="readyPath"><c>/healthz</c> (listening) or <c>/readyz</c> (the store answers, the schedule is built).</param>
    /// <param name="startLimit">How long it may take to answer there; 30 s unless given.</param>
    /// <param name="adminTimeout">The admin client's timeout per call (long for admin calls over 100,000 authorizers).</param>
    public static async Task<ChildServer> StartAsync(
        string data, int port, string adminKey, IReadOnlyDictionary<string, string>? environment = null,
        string readyPath = "/healthz", TimeSpan? startLimit = null, TimeSpan? adminTimeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "wxhub.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data })
            start.ArgumentList.Add(arg);
        start.Environment["WXHUB_ADMINKEY"] = adminKey;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var watch = Stopwatch.StartNew();
        var child = new ChildServer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), adminKey, adminTimeout ?? TimeSpan.FromSeconds(100));
        child._process.OutputDataReceived += (_, e) => child.Collect(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        await Eventually.True(async () =>
        {
            if (child._process.HasExited) throw new InvalidOperationException($"wxhub serve exited: {child.Output}");
            try { return (await child.Admin.GetAsync(readyPath)).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, $"wxhub serve answers {readyPath}", startLimit ?? TimeSpan.FromSeconds(30));
        child.StartedIn = watch.Elapsed;
        return child;
    }

    /// <summary>A loopback port free now, so that a restarted child can listen where WeChat's push URLs point.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>VmHWM: the most resident memory the process has used.</summary>
    public long PeakBytes() =>
        File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024
            : 0;

    /// <summary>SIGKILL: no shutdown hooks, no flushing; only what was durable survives.</summary>
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

    private void Collect(string? line)
    {
        lock (_output) _output.AppendLine(line);
    }
}
