using System.Diagnostics;
using System.Diagnostics.Metrics;
using WxHub.Core.Credentials;

namespace WxHub.Core.Diagnostics;

/// <summary>
/// The home of WxHub's instrument names and of the credential and upstream instruments. Callers record where the
/// event happens; <c>/metrics</c> exports every meter whose name starts with <see cref="MeterPrefix"/>.
/// Tags carry app ids and WeChat error codes, never secrets.
/// </summary>
public sealed class WxHubMetrics
{
    public const string MeterPrefix = "WxHub";
    public const string MeterName = "WxHub.Credentials";

    public const string TokensServed = "wxhub.tokens.served";
    public const string Refreshes = "wxhub.refreshes";
    public const string UpstreamDuration = "wxhub.upstream.duration";
    public const string UpstreamErrors = "wxhub.upstream.errors";
    public const string QuotaUsed = "wxhub.quota.used";
    public const string RequestsRefused = "wxhub.requests.refused";

    /// <summary>Registered by the message server (it owns the outbox), named here so every name has one home.</summary>
    public const string OutboxDepth = "wxhub.outbox.depth";

    private readonly Counter<long> _served;
    private readonly Counter<long> _refreshes;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _quotaUsed;
    private readonly Counter<long> _refused;

    public WxHubMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _served = meter.CreateCounter<long>(TokensServed, "{credential}", "Credentials served to business callers, by app and kind.");
        _refreshes = meter.CreateCounter<long>(Refreshes, "{refresh}", "Attempts to obtain a credential from WeChat, by app, kind, reason and result.");
        _upstreamDuration = meter.CreateHistogram<double>(UpstreamDuration, "s", "Time of each HTTP call to a WeChat access point, by endpoint and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _upstreamErrors = meter.CreateCounter<long>(UpstreamErrors, "{answer}", "Answers of WeChat with a non-zero errcode, by endpoint and errcode.");
        _quotaUsed = meter.CreateCounter<long>(QuotaUsed, "{call}", "Calls counted against WeChat's daily quota, by app and endpoint.");
        _refused = meter.CreateCounter<long>(RequestsRefused, "{request}", "Requests refused with a 4xx, by the error code answered (the reason) and HTTP status.");
    }

    public void Served(CredentialKey key) => _served.Add(1, Tag("appid", key.Appid), Tag("kind", Kind(key.Kind)));

    public void Refreshed(RefreshEvent refresh) =>
        _refreshes.Add(1, new TagList
        {
            { "appid", refresh.Key.Appid },
            { "kind", Kind(refresh.Key.Kind) },
            { "reason", refresh.Reason.ToString().ToLowerInvariant() },
            { "result", refresh.Outcome.ToString().ToLowerInvariant() },
        });

    /// <param name="answered">Whether the access point gave a WeChat answer (any errcode) rather than an error or no answer.</param>
    public void UpstreamCall(string endpoint, TimeSpan elapsed, bool answered) =>
        _upstreamDuration.Record(elapsed.TotalSeconds, Tag("endpoint", endpoint), Tag("outcome", answered ? "answered" : "failed"));

    public void UpstreamError(string endpoint, int errcode) =>
        _upstreamErrors.Add(1, Tag("endpoint", endpoint), Tag("errcode", errcode.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public void QuotaCounted(string appid, string endpoint) => _quotaUsed.Add(1, Tag("appid", appid), Tag("endpoint", endpoint));

    /// <param name="reason">The answer's error code: one of WxHub's constant codes, never the caller's text.</param>
    public void Refused(string reason, int status) =>
        _refused.Add(1, Tag("reason", reason), Tag("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Kind(CredentialKind kind) => kind switch
    {
        CredentialKind.AccessToken => "access_token",
        CredentialKind.JsapiTicket => "jsapi_ticket",
        CredentialKind.WxCardTicket => "wx_card_ticket",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
