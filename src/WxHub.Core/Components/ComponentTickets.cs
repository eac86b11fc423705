using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;

namespace WxHub.Core.Components;

/// <summary>
/// The component_verify_tickets WeChat pushes: each is stored (encrypted, as a credential of the platform) before
/// WeChat is answered, and the last one valid is what every component token fetch uses. When none is, WeChat is asked
/// to push one (<c>api_start_push_ticket</c>), at most once per <see cref="ComponentOptions.StartPushTicketSpacing"/>.
/// </summary>
public sealed partial class ComponentTickets(
    ICredentialStore store,
    ComponentApiClient api,
    IOptions<ComponentOptions> options,
    TimeProvider time,
    ILogger<ComponentTickets> logger)
{
    private readonly Dictionary<string, DateTimeOffset> _lastRequested = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private volatile bool _receiving;

    /// <summary>
    /// Says the event URL now answers: until then a push WeChat sends at once would find nobody listening, and the
    /// spacing would hold back the request that could succeed (<see cref="ComponentRecovery"/> calls it at start).
    /// </summary>
    public void Receiving() => _receiving = true;

    public static CredentialKey KeyOf(string componentAppid) => new(componentAppid, CredentialKind.ComponentVerifyTicket);

    /// <summary>Stores a pushed ticket durably; only then may WeChat be answered "success".</summary>
    public async Task AcceptAsync(string componentAppid, string ticket, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await store.SaveAsync(new StoredCredential(KeyOf(componentAppid), ticket, now, now + ComponentOptions.TicketLifetime), cancellationToken);
        if (_arrivals.TryRemove(componentAppid, out var arrival)) arrival.TrySetResult();
    }

    /// <summary>The last ticket pushed, if WeChat still takes it.</summary>
    public async Task<string?> CurrentAsync(string componentAppid, CancellationToken cancellationToken) =>
        await store.GetAsync(KeyOf(componentAppid), cancellationToken) is { } stored && stored.ExpiresAt > time.GetUtcNow() ? stored.Value : null;

    /// <summary>
    /// Asks WeChat to push a ticket now, unless it was asked within the spacing or WxHub does not receive pushes yet;
    /// failures are logged, not thrown.
    /// </summary>
    public async Task RequestPushAsync(ComponentRegistration component, CancellationToken cancellationToken)
    {
        if (!_receiving) return;
        var now = time.GetUtcNow();
        lock (_lastRequested)
        {
            if (_lastRequested.TryGetValue(component.ComponentAppid, out var last) && now - last < options.Value.StartPushTicketSpacing) return;
            _lastRequested[component.ComponentAppid] = now;
        }
        var call = await api.StartPushTicketAsync(component.ComponentAppid, component.Secret, cancellationToken);
        if (call.Succeeded) LogPushRequested(component.ComponentAppid);
        else LogPushRequestFailed(component.ComponentAppid, call.Failure.ErrCode, call.Failure.Detail);
    }

    /// <summary>Completes when a valid ticket is stored: at once if one is, else when the next one arrives.</summary>
    public async Task WaitForTicketAsync(string componentAppid, CancellationToken cancellationToken)
    {
        var arrival = _arrivals.GetOrAdd(componentAppid, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (await CurrentAsync(componentAppid, cancellationToken) is not null) return;
        await arrival.Task.WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked WeChat to push a component_verify_ticket for platform {ComponentAppid} (api_start_push_ticket)")]
    private partial void LogPushRequested(string componentAppid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "api_start_push_ticket for platform {ComponentAppid} failed (errcode {ErrCode}): {Detail}")]
    private partial void LogPushRequestFailed(string componentAppid, int? errCode, string detail);
}
