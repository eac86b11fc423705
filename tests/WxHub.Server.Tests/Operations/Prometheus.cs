using System.Text.RegularExpressions;

namespace WxHub.Server.Tests.Operations;

/// <summary>Reads series out of a <c>/metrics</c> scrape.</summary>
internal static class Prometheus
{
    /// <summary>The value of the series <paramref name="name"/>{<paramref name="labels"/>}, or 0 when absent.</summary>
    public static double Value(string text, string name, string labels)
    {
        var series = labels.Length == 0 ? name : $"{name}{{{labels}}}";
        var match = Regex.Match(text, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>How many requests the server refused with <paramref name="status"/> and error code <paramref name="reason"/>.</summary>
    public static async Task<double> RefusedAsync(HttpClient client, string reason, int status) =>
        Value(await client.GetStringAsync("/metrics"), "wxhub_requests_refused_total", $"reason=\"{reason}\",status=\"{status}\"");
}
