using System.Globalization;

namespace WxHub.Bench;

/// <summary>The verbs' shared bits: integer options and medians.</summary>
internal static class BenchArgs
{
    /// <summary>The integer after <paramref name="name"/> on the command line, else <paramref name="fallback"/>.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
