using System.Diagnostics;
using System.Diagnostics.Metrics;
using WxHub.Core.Diagnostics;
using WxHub.Core.Messages;

namespace WxHub.Server.Messages;

/// <summary>
/// Counters of the message server: <c>wxhub.callbacks</c> (tags <c>outcome</c> = verified | accepted | duplicate |
/// rejected, <c>reason</c> for rejects, <c>appid</c> for registered apps) and <c>wxhub.deliveries</c>
/// (<c>outcome</c> = delivered | failed, <c>appid</c>), and the gauge <see cref="WxHubMetrics.OutboxDepth"/>.
/// </summary>
public sealed class CallbackMetrics
{
    public const string MeterName = "WxHub.Messages";
    public const string CallbacksCounter = "wxhub.callbacks";
    public const string DeliveriesCounter = "wxhub.deliveries";

    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _deliveries;

    public CallbackMetrics(IMeterFactory meters, IOutboxStore outbox)
    {
        var meter = meters.Create(MeterName);
        // Read when scraped; SQLite answers a count from the index synchronously anyway.
        meter.CreateObservableGauge(WxHubMetrics.OutboxDepth, () => outbox.CountUndeliveredAsync().GetAwaiter().GetResult(),
            "{delivery}", "Deliveries to subscribers not yet acknowledged (pending or in flight).");
        _callbacks = meter.CreateCounter<long>(CallbacksCounter, "{callback}", "Callbacks from WeChat by outcome, with the reason of rejects.");
        _deliveries = meter.CreateCounter<long>(DeliveriesCounter, "{delivery}", "Delivery attempts to subscribers by outcome.");
    }

    public void Verified(string appid) => Callback("verified", appid);

    public void Accepted(string appid) => Callback("accepted", appid);

    public void Duplicate(string appid) => Callback("duplicate", appid);

    /// <param name="appid">Null when the app is not registered (its name is the caller's, not ours, so it is not a tag).</param>
    public void Rejected(string? appid, string reason) => Callback("rejected", appid, reason);

    public void Delivery(string appid, bool acknowledged) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", acknowledged ? "delivered" : "failed"), new KeyValuePair<string, object?>("appid", appid));

    private void Callback(string outcome, string? appid, string? reason = null)
    {
        var tags = new TagList { { "outcome", outcome } };
        if (reason is not null) tags.Add("reason", reason);
        if (appid is not null) tags.Add("appid", appid);
        _callbacks.Add(1, tags);
    }
}
