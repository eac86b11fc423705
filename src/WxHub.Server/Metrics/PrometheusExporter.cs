using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using WxHub.Core.Diagnostics;

namespace WxHub.Server.Metrics;

/// <summary>
/// Aggregates the measurements of this host's WxHub meters (those its <see cref="IMeterFactory"/> created, so several
/// hosts in one process stay apart) and writes them in the Prometheus text exposition format: counters as sums,
/// histograms as cumulative buckets, observable instruments as the value read at scrape time.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _instruments = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope != meters || !instrument.Meter.Name.StartsWith(WxHubMetrics.MeterPrefix, StringComparison.Ordinal)) return;
            var series = _instruments.GetOrAdd(instrument, static i => new Series(i, Boundaries(i)));
            listener.EnableMeasurementEvents(instrument, series);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out Series? _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.Start();
    }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Reads the observable instruments and writes every series.</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            foreach (var series in _instruments.Values) series.BeginObservation();
            _listener.RecordObservableInstruments();
            foreach (var series in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal)) series.WriteTo(text);
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static double[]? Boundaries(Instrument instrument) =>
        instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets,
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets,
            _ => null,
        };

    /// <summary>The aggregated values of one instrument, one per distinct set of tags.</summary>
    private sealed class Series(Instrument instrument, double[]? buckets)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, double[]> _values = new(StringComparer.Ordinal);
        // Label text by tag set: measurements are hot (every token read), so the text is built once per tag set.
        private readonly Dictionary<TagSet, string> _labels = [];
        // A counter's cell by tag set, read without the lock: token reads count from every request thread, and a lock
        // held by a thread the OS preempts would stall them all on a busy machine.
        private readonly ConcurrentDictionary<TagSet, double[]> _sums = new();
        private readonly bool _observed = instrument.IsObservable;

        public string Name { get; } = PrometheusName(instrument);

        private bool IsSum => buckets is null && !_observed;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var known = TagSet.TryCreate(tags, out var set);
            if (IsSum && known && _sums.TryGetValue(set, out var sum))
            {
                Add(ref sum[0], value);
                return;
            }
            lock (_gate)
            {
                string labels;
                if (!known) labels = Labels(tags);
                else if (!_labels.TryGetValue(set, out labels!)) _labels[set] = labels = Labels(tags);
                if (!_values.TryGetValue(labels, out var cells)) _values[labels] = cells = new double[buckets is null ? 1 : buckets.Length + 3];
                if (buckets is null)
                {
                    // Observable instruments report the current total; the others report increments.
                    if (_observed) cells[0] = value;
                    else
                    {
                        Add(ref cells[0], value);
                        if (known) _sums.TryAdd(set, cells);
                    }
                    return;
                }
                for (var i = 0; i < buckets.Length; i++) if (value <= buckets[i]) cells[i]++;
                cells[^3]++; // +Inf
                cells[^2] += value; // sum
                cells[^1]++; // count
            }
        }

        private static void Add(ref double cell, double value)
        {
            double seen, total;
            do
            {
                seen = Volatile.Read(ref cell);
                total = seen + value;
            }
            while (Interlocked.CompareExchange(ref cell, total, seen) != seen);
        }

        /// <summary>Observable series that no callback reports any more must disappear.</summary>
        public void BeginObservation()
        {
            if (!_observed) return;
            lock (_gate) _values.Clear();
        }

        public void WriteTo(StringBuilder text)
        {
            lock (_gate)
            {
                if (_values.Count == 0) return;
                var type = buckets is not null ? "histogram" : instrument switch
                {
                    Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => "counter",
                    _ => "gauge",
                };
                var name = type == "counter" ? Name + "_total" : Name;
                if (instrument.Description is { } help) text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, cells) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
                {
                    if (buckets is null)
                    {
                        Line(text, name, labels, cells[0]);
                        continue;
                    }
                    for (var i = 0; i < buckets.Length; i++) Line(text, Name + "_bucket", With(labels, "le", Number(buckets[i])), cells[i]);
                    Line(text, Name + "_bucket", With(labels, "le", "+Inf"), cells[^3]);
                    Line(text, Name + "_sum", labels, cells[^2]);
                    Line(text, Name + "_count", labels, cells[^1]);
                }
            }
        }

        private static void Line(StringBuilder text, string name, string labels, double value) =>
            text.Append(name).Append(labels.Length == 0 ? "" : "{" + labels + "}").Append(' ').Append(Number(value)).Append('\n');

        private static string With(string labels, string name, string value) =>
            (labels.Length == 0 ? "" : labels + ",") + name + "=\"" + value + "\"";

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0) return "";
            var pairs = new List<string>(tags.Length);
            foreach (var (key, value) in tags)
                pairs.Add(Sanitize(key) + "=\"" + Convert.ToString(value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"");
            pairs.Sort(StringComparer.Ordinal);
            return string.Join(",", pairs);
        }

        /// <summary>Up to four tags as a value, in the order given (the same set in another order is another key for the same text).</summary>
        private readonly record struct TagSet(string? K0, object? V0, string? K1, object? V1, string? K2, object? V2, string? K3, object? V3)
        {
            public static bool TryCreate(ReadOnlySpan<KeyValuePair<string, object?>> tags, out TagSet set)
            {
                set = tags.Length switch
                {
                    0 => default,
                    1 => new(tags[0].Key, tags[0].Value, null, null, null, null, null, null),
                    2 => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, null, null, null, null),
                    3 => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, tags[2].Key, tags[2].Value, null, null),
                    4 => new(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, tags[2].Key, tags[2].Value, tags[3].Key, tags[3].Value),
                    _ => default,
                };
                return tags.Length <= 4;
            }
        }

        private static string PrometheusName(Instrument instrument)
        {
            var name = Sanitize(instrument.Name);
            return instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal) ? name + "_seconds" : name;
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++) if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_') chars[i] = '_';
            return new string(chars);
        }

        private static string Number(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
