using System.Diagnostics;

namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// A folder whose files stop taking writes, for root too: the immutable attribute (<c>chattr +i</c>) on the folder and its
/// files. The tests run as root in CI, where <c>chmod</c> stops nothing, and a read-only remount is refused while the
/// server holds files open for writing; the attribute binds root, takes effect on files already open (writes fail with
/// EPERM, reads go on) and comes off with <c>chattr -i</c>, like a disk that went read-only and came back. SQLite's
/// shared-memory index (<c>-shm</c>) is left alone: it is mapped into memory, where a refused write kills the process
/// (SIGBUS) rather than failing a call. Needs CAP_LINUX_IMMUTABLE (root) and a filesystem with the attribute (ext4, xfs, btrfs).
/// </summary>
internal sealed class ImmutableFolder : IDisposable
{
    private readonly List<string> _paths;

    private ImmutableFolder(List<string> paths) => _paths = paths;

    public static async Task<ImmutableFolder> ApplyAsync(string folder)
    {
        List<string> paths = [folder, .. Directory.GetFiles(folder).Where(file => !file.EndsWith("-shm", StringComparison.Ordinal))];
        var applied = new ImmutableFolder(paths);
        var (exit, error) = await ChattrAsync("+i", paths);
        if (exit != 0)
        {
            await applied.RemoveAsync();
            throw new InvalidOperationException(
                $"chattr +i failed ({error.Trim()}): this test needs root (CAP_LINUX_IMMUTABLE) and a filesystem with the immutable attribute (ext4, xfs, btrfs).");
        }
        return applied;
    }

    public async Task RemoveAsync()
    {
        var (exit, error) = await ChattrAsync("-i", _paths);
        if (exit != 0) throw new InvalidOperationException($"chattr -i failed: {error.Trim()}");
    }

    /// <summary>Never leaves a folder the temp-folder cleanup cannot remove.</summary>
    public void Dispose() => RemoveAsync().GetAwaiter().GetResult();

    private static async Task<(int Exit, string Error)> ChattrAsync(string change, List<string> paths)
    {
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(change);
        foreach (var path in paths) start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error);
    }
}
