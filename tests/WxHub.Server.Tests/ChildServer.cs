using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using WxHub.Testing;

namespace WxHub.Server.Tests;

/// <summary>
/// The real <c>wxhub serve</c> as a child process on a fixed loopback port, with an admin client, for tests that kill it
/// with SIGKILL: no shutdown hooks, no flushing, only what was durable survives.
/// </summary>
public sealed class ChildServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildServer(Process process, Uri address, string adminKey)
    {
        _process = process;
        Address = address;
        Admin = new HttpClient { BaseAddress = address };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public Uri Address { get; }

    public HttpClient Admin { get; }

    /// <summary>The child's process id: part of its instance id, so a test can tell which process holds a lease.</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="environment">More settings as <c>WXHUB_</c> environment variables (e.g. <c>WXHUB_WECHATAPI</c>).</param>
    public static async Task<ChildServer> StartAsync(string data, int port, string adminKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "wxhub.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data })
            start.ArgumentList.Add(arg);
        start.Environment["WXHUB_ADMINKEY"] = adminKey;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var child = new ChildServer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), adminKey);
        child._process.OutputDataReceived += (_, e) => child.Collect(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        await Eventually.True(async () =>
        {
            if (child._process.HasExited) throw new InvalidOperationException($"wxhub serve exited: {child.Output}");
            try { return (await child.Admin.GetAsync("/healthz")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "wxhub serve answers /healthz", TimeSpan.FromSeconds(30));
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
