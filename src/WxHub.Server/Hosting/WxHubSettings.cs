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

    /// <summary>Base64 of the 32-byte key that encrypts secrets at rest; when absent, <c>&lt;data&gt;/master.key</c>.</summary>
    public string? MasterKey { get; set; }

    /// <summary>The admin API key; when absent, <c>&lt;data&gt;/admin-key</c> (created on first start).</summary>
    public string? AdminKey { get; set; }

    /// <summary>Apps declared in configuration (e.g. from a secret manager), imported into the store at start.</summary>
    public List<ConfiguredApp> Apps { get; set; } = [];
}

public sealed class ConfiguredApp
{
    public string? Appid { get; set; }
    public string? Secret { get; set; }
    public string? Type { get; set; }
    public string? TokenMode { get; set; }
    public string? Token { get; set; }
    public string? EncodingAesKey { get; set; }
}
