using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WxHub.Core.Components;

/// <summary>
/// Keeps the platforms' grants whole across restarts: at start, asks WeChat for a ticket where none valid is stored,
/// and restores a platform's grants from WeChat's authorizer list when the store holds none (a new or lost store);
/// at start and every <see cref="ComponentOptions.ReconcileInterval"/>, settles authorizations a stopped process left
/// half done the same way, so no grant WeChat confirmed is lost.
/// </summary>
public sealed partial class ComponentRecovery(
    IComponentStore components,
    IAuthorizerStore authorizers,
    ComponentTickets tickets,
    AuthorizerSync sync,
    IOptions<ComponentOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ComponentRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var restored = new HashSet<string>(StringComparer.Ordinal);
        var startedAt = time.GetUtcNow();
        try
        {
            // WeChat pushes a requested ticket at once: only once the event URL answers is there any point asking.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                await started.Task.WaitAsync(stoppingToken);
            tickets.Receiving();
            await RequestMissingTicketsAsync(stoppingToken);
            while (true)
            {
                await ReconcileAsync(restored, startedAt, stoppingToken);
                await Task.Delay(options.Value.ReconcileInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <param name="checkedEmpty">Platforms whose store was found holding grants (or was filled) since start; their emptiness is not checked again.</param>
    /// <param name="startedAt">An exchange recorded before this instant belongs to a process that stopped; a later one, once a minute old.</param>
    private async Task ReconcileAsync(HashSet<string> checkedEmpty, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var pending = await authorizers.ListPendingAsync(cancellationToken);
            foreach (var component in await components.ListAsync(cancellationToken))
            {
                var id = component.ComponentAppid;
                var unfinished = pending
                    .Where(p => p.ComponentAppid == id && (p.CreatedAt < startedAt || time.GetUtcNow() - p.CreatedAt >= MinimumAge))
                    .ToList();
                var empty = !checkedEmpty.Contains(id) && await authorizers.CountAsync(id, AuthorizerStatus.Authorized, cancellationToken) == 0;
                if (!empty) checkedEmpty.Add(id);
                if (unfinished.Count == 0 && !empty) continue;

                LogRecovering(id, empty ? "the store holds no grant of it" : $"{unfinished.Count} authorization(s) were left unfinished");
                await WaitForTicketAsync(id, cancellationToken);
                var report = await sync.SyncAsync(id, cancellationToken);
                if (!report.Succeeded)
                {
                    LogRecoveryFailed(id, report.Problem.Code, report.Problem.Message);
                    continue;
                }
                checkedEmpty.Add(id);
                foreach (var done in unfinished) await authorizers.RemovePendingAsync(done.Id, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReconcileCrashed(e);
        }
    }

    /// <summary>
    /// Asks for a ticket for each platform without a valid one. A store that does not answer yet only costs the early
    /// ticket (WeChat pushes one every ten minutes anyway): an exception escaping here would stop the whole server.
    /// </summary>
    private async Task RequestMissingTicketsAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var component in await components.ListAsync(cancellationToken))
            {
                if (await tickets.CurrentAsync(component.ComponentAppid, cancellationToken) is null) await tickets.RequestPushAsync(component, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTicketRequestFailed(e);
        }
    }

    /// <summary>A component token needs a ticket; one was asked for at start. Past the wait, the sync reports what is missing.</summary>
    private async Task WaitForTicketAsync(string componentAppid, CancellationToken cancellationToken)
    {
        try
        {
            await tickets.WaitForTicketAsync(componentAppid, cancellationToken).WaitAsync(options.Value.TicketWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>An exchange younger than this may still be running in this process.</summary>
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restoring the grants of platform {ComponentAppid} from WeChat's authorizer list: {Reason}")]
    private partial void LogRecovering(string componentAppid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restore the grants of platform {ComponentAppid}: {Error}: {Message}; trying again later")]
    private partial void LogRecoveryFailed(string componentAppid, string error, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not check the platforms' tickets at start; waiting for WeChat's next pushes")]
    private partial void LogTicketRequestFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling the platforms' grants failed; trying again later")]
    private partial void LogReconcileCrashed(Exception exception);
}
