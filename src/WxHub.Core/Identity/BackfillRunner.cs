using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace WxHub.Core.Identity;

/// <summary>Runs follower backfills in the background for the admin API: one per app at a time, stoppable, stopped with the host.</summary>
public sealed class BackfillRunner(FollowerBackfill backfill, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public bool IsRunning(string appid) => _running.ContainsKey(appid);

    /// <summary>
    /// Starts (or resumes) a run and returns once it is saved as running; a <c>backfill_running</c> conflict when one
    /// already runs for the app in this instance.
    /// </summary>
    public async Task<Outcome<BackfillProgress>> StartAsync(string appid, bool restart, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        if (!_running.TryAdd(appid, stop))
        {
            stop.Dispose();
            return new Problem(ProblemKind.Conflict, "backfill_running", $"A backfill of {appid} is already running; follow it with GET /v1/admin/apps/{appid}/users/backfill.");
        }

        var begun = await backfill.BeginAsync(appid, restart, cancellationToken);
        if (!begun.Succeeded)
        {
            End(appid, stop);
            return begun;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await backfill.ContinueAsync(begun.Value, null, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped: the saved progress says where to resume.
            }
            finally
            {
                End(appid, stop);
            }
        }, CancellationToken.None);
        return begun;
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

    private void End(string appid, CancellationTokenSource stop)
    {
        _running.TryRemove(appid, out _);
        stop.Dispose();
    }
}
