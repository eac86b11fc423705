namespace WxHub.Server.Hosting;

/// <summary>
/// Settings of the host, bound from configuration (appsettings.json, then <c>WXHUB_</c> environment variables,
/// then command-line flags). Keys are at the root so that <c>WXHUB_DATA</c> maps to <see cref="Data"/>.
/// </summary>
public sealed class WxHubSettings
{
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const string DefaultData = "./data";

    /// <summary>The folder that holds the embedded store, keys and other state.</summary>
    public string Data { get; set; } = DefaultData;
}
