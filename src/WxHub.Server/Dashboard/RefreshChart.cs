using System.Globalization;
using System.Text;
using WxHub.Core.Credentials;

namespace WxHub.Server.Dashboard;

/// <summary>
/// The overview's chart of the last 24 hours as inline SVG: per UTC hour a bar of successful refreshes with the failed
/// ones stacked on it, the failures WeChat answered with an errcode darker. The store counts; this only draws.
/// </summary>
internal static class RefreshChart
{
    private const int Hours = 24;
    private const int BarWidth = 22;
    private const int Gap = 4;
    private const int Height = 140;
    private const int Axis = 18;

    public static string Svg(IReadOnlyList<RefreshHour> counted, DateTimeOffset now)
    {
        var last = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var byHour = counted.ToDictionary(h => h.Hour);
        var hours = Enumerable.Range(0, Hours)
            .Select(i => last.AddHours(i - Hours + 1))
            .Select(hour => byHour.GetValueOrDefault(hour) ?? new RefreshHour(hour, 0, 0, 0))
            .ToList();
        var max = Math.Max(1, hours.Max(h => h.Succeeded + h.Failed));
        var width = Hours * (BarWidth + Gap);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"refresh-chart\" role=\"img\" width=\"{width}\" height=\"{Height + Axis}\" viewBox=\"0 0 {width} {Height + Axis}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>Refreshes per hour, last 24 hours (highest: {max})</title>");
        for (var i = 0; i < hours.Count; i++)
        {
            var h = hours[i];
            var x = i * (BarWidth + Gap);
            var ok = Scale(h.Succeeded, max);
            var failed = Scale(h.Failed, max);
            var upstream = Scale(h.UpstreamErrors, max);
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"hour\" data-hour=\"{h.Hour:HH}\" data-succeeded=\"{h.Succeeded}\" data-failed=\"{h.Failed}\" data-upstream=\"{h.UpstreamErrors}\">"
                + $"<title>{h.Hour:HH}:00 UTC: {h.Succeeded} succeeded, {h.Failed} failed ({h.UpstreamErrors} WeChat errors)</title>"
                + $"<rect class=\"bar-ok\" x=\"{x}\" y=\"{Height - ok}\" width=\"{BarWidth}\" height=\"{ok}\"/>"
                + $"<rect class=\"bar-failed\" x=\"{x}\" y=\"{Height - ok - failed}\" width=\"{BarWidth}\" height=\"{failed - upstream}\"/>"
                + $"<rect class=\"bar-upstream\" x=\"{x}\" y=\"{Height - ok - upstream}\" width=\"{BarWidth}\" height=\"{upstream}\"/></g>");
            if (h.Hour.Hour % 6 == 0)
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{Height + Axis - 4}\">{h.Hour:HH}:00</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" y1=\"{Height}\" x2=\"{width}\" y2=\"{Height}\" stroke=\"#999\"/></svg>");
        svg.Append("<p class=\"legend\"><span><i class=\"swatch bar-ok\"></i>succeeded</span><span><i class=\"swatch bar-failed\"></i>failed</span><span><i class=\"swatch bar-upstream\"></i>failed with a WeChat errcode</span>")
            .Append(CultureInfo.InvariantCulture, $"<span>Total: {hours.Sum(h => h.Succeeded)} succeeded, {hours.Sum(h => h.Failed)} failed, {hours.Sum(h => h.UpstreamErrors)} upstream errors.</span></p>");
        return svg.ToString();
    }

    /// <summary>Bar height in pixels; at least one pixel for any non-zero count, so a single failure is visible.</summary>
    private static int Scale(long count, long max) => count == 0 ? 0 : Math.Max(1, (int)(count * (Height - 4) / max));
}
