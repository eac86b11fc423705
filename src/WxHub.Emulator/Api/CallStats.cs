namespace WxHub.Emulator.Api;

/// <summary>Calls received, per path and app (the app whose credential the call carried; "-" when none), and per access point.</summary>
internal sealed class CallStats
{
    public const string NoApp = "-";

    public Dictionary<string, Dictionary<string, int>> ByPath { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> ByAccessPoint { get; } = new(StringComparer.Ordinal);

    public void Record(string path, string? appId, string accessPoint)
    {
        if (!ByPath.TryGetValue(path, out var byApp)) ByPath[path] = byApp = new(StringComparer.Ordinal);
        var key = appId ?? NoApp;
        byApp[key] = byApp.GetValueOrDefault(key) + 1;
        ByAccessPoint[accessPoint] = ByAccessPoint.GetValueOrDefault(accessPoint) + 1;
    }

    public void Clear()
    {
        ByPath.Clear();
        ByAccessPoint.Clear();
    }
}
