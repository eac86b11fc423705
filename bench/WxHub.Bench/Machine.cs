using System.Runtime.InteropServices;

namespace WxHub.Bench;

/// <summary>What the figures were measured on, for docs/benchmarks.md.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical CPUs, {MemoryGiB()} GiB RAM; {RuntimeInformation.OSDescription} " +
        $"({RuntimeInformation.OSArchitecture}); .NET {Environment.Version}; data folder on {FileSystemOf(Path.GetTempPath())}";

    /// <summary>
    /// The median time to write 4 KiB and flush it to disk in <paramref name="folder"/>: what every durable commit waits
    /// for, and so what bounds a durable accept, measured in the same run as the figures it explains.
    /// </summary>
    public static TimeSpan FlushLatency(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "flush-probe");
        var block = new byte[4096];
        var times = new List<TimeSpan>();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (var i = 0; i < 50; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start));
            }
        }
        File.Delete(path);
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>The 1-minute load average: other work on the machine shares its CPUs and disk with the measurement.</summary>
    public static string LoadAverage() => ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ')[0] ?? "?";

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string MemoryGiB() =>
        ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0).ToString("0.#")
            : "?";

    private static string FileSystemOf(string path) =>
        ReadLines("/proc/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal))
            .OrderByDescending(f => f[1].Length)
            .Select(f => $"{f[2]} ({f[1]})")
            .FirstOrDefault() ?? "?";

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
