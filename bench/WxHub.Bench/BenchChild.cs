using WxHub.Testing;

namespace WxHub.Bench;

/// <summary>
/// <c>wxhub serve</c> as the benchmarks run it, a process of its own so that its memory and CPU are its own: started
/// means ready (<c>/readyz</c>), and admin calls over 100,000 authorizers may take minutes.
/// </summary>
internal static class BenchChild
{
    public static Task<ChildServer> StartAsync(string data, int port, string adminKey, IReadOnlyDictionary<string, string> settings) =>
        ChildServer.StartAsync(data, port, adminKey, settings, readyPath: "/readyz", startLimit: TimeSpan.FromMinutes(2), adminTimeout: TimeSpan.FromMinutes(10));
}
