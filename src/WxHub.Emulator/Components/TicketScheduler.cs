using WxHub.Emulator.Credentials;
using WxHub.Emulator.Hosting;

namespace WxHub.Emulator.Components;

/// <summary>
/// Pushes each platform a new component_verify_ticket every interval (10 minutes unless configured), the first one
/// as soon as the platform is registered or asks with api_start_push_ticket. Due times are instants on the emulator's
/// clock: one timer (on the given clock) fires at the next one, and a jump of the control clock catches up at once,
/// with one push for all the intervals it skipped.
/// </summary>
internal sealed class TicketScheduler : IDisposable
{
    private readonly EmulatorState _state;
    private readonly ComponentNotifier _notifier;
    private readonly ITimer _timer;

    public TicketScheduler(EmulatorState state, ComponentNotifier notifier)
    {
        _state = state;
        _notifier = notifier;
        _timer = state.Clock.CreateTimer(_ => Pump(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        state.Clock.Advanced += Pump;
    }

    /// <summary>Pushes a ticket now and every interval from now on.</summary>
    public void StartNow(ComponentState component)
    {
        lock (_state.Gate) component.NextTicketAt = _state.Now;
        Pump();
    }

    private void Pump()
    {
        lock (_state.Gate)
        {
            var now = _state.Now;
            DateTimeOffset? next = null;
            foreach (var component in _state.Components.Values)
            {
                if (component.NextTicketAt is not { } due) continue;
                if (due <= now)
                {
                    var interval = component.Config.TicketInterval ?? _state.Options.TicketPushInterval;
                    due += interval * ((now - due).Ticks / interval.Ticks + 1);
                    component.NextTicketAt = due;
                    PushTicket(component, now);
                }
                if (next is null || due < next) next = due;
            }
            _timer.Change(next is { } at ? at - now : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void PushTicket(ComponentState component, DateTimeOffset now)
    {
        var ticket = "ticket@@@" + CredentialBook.Base64Url(64);
        component.Tickets[ticket] = now;
        foreach (var old in component.Tickets.Where(t => t.Value < now - TimeSpan.FromDays(7)).Select(t => t.Key).ToList())
            component.Tickets.Remove(old);
        _ = _notifier.Notify(component, "component_verify_ticket", xml => xml.Text("ComponentVerifyTicket", ticket));
    }

    public void Dispose()
    {
        _state.Clock.Advanced -= Pump;
        _timer.Dispose();
    }
}
