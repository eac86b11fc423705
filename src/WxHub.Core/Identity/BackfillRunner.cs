using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace WxHub.Core.Identity;

/// <summary>Runs follower backfills in the background for the admin API: one per app at a time, stoppable, stopped with the host.</summary>
public sealed class BackfillRunner(FollowerBackfill backfill, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public bool IsRunning(string appid) => _running.ContainsKey(appid);

    /// <summary>Starts (or resumes) a run; false when one is already running for the app.</summary>
    public bool Start(string appid, bool restart)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        if (!_running.TryAdd(appid, stop))
        {
            stop.Dispose();
            return false;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await backfill.RunAsync(appid, restart, null, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: the saved progress says where to resume.
            }
            finally
            {
                _running.TryRemove(appid, out _);
                stop.Dispose();
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>Stops the app's run after its current batch; false when none runs.</summary>
    public bool Stop(string appid)
    {
        if (!_running.TryGetValue(appid, out var stop)) return false;
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended on its own meanwhile.
        }
        return true;
    }
}
