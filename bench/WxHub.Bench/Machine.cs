using System.Runtime.InteropServices;

namespace WxHub.Bench;

/// <summary>What the figures were measured on, for docs/benchmarks.md.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical CPUs, {MemoryGiB()} GiB RAM; {RuntimeInformation.OSDescription} " +
        $"({RuntimeInformation.OSArchitecture}); .NET {Environment.Version}; data folder on {FileSystemOf(Path.GetTempPath())}";

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
