namespace WxHub.Server.Hosting;

/// <summary>
/// Settings of the host, bound from configuration (appsettings.json, then <c>WXHUB_</c> environment variables,
/// then command-line flags). Keys are at the root so that <c>WXHUB_DATA</c> maps to <see cref="Data"/>.
/// </summary>
public sealed class WxHubSettings
{
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const string DefaultData = "./data";
    public const string SqliteStore = "sqlite";
    public const string PostgresStore = "postgres";

    /// <summary>
    /// <c>sqlite</c> (the default: an embedded file in <see cref="Data"/>, one instance) or <c>postgres</c> (a database
    /// shared by a cluster of instances, at <see cref="Connection"/>).
    /// </summary>
    public string Store { get; set; } = SqliteStore;

    /// <summary>The PostgreSQL connection string (Npgsql's form, <c>Host=…;Database=…;Username=…;Password=…</c>).</summary>
    public string? Connection { get; set; }

    /// <summary>The folder that holds the embedded store, keys and other state.</summary>
    public string Data { get; set; } = DefaultData;

    /// <summary>
    /// Base64 of the 32-byte key that encrypts secrets at rest; when absent, <c>&lt;data&gt;/master.key</c> with SQLite.
    /// Required with PostgreSQL.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// The admin API key; when absent, <c>&lt;data&gt;/admin-key</c> (created on first start) with SQLite. Required
    /// with PostgreSQL.
    /// </summary>
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
