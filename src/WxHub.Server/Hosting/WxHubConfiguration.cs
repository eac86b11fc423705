using Microsoft.Extensions.Configuration;

namespace WxHub.Server.Hosting;

/// <summary>
/// Where settings come from, lowest precedence first: built-in defaults, <c>appsettings.json</c> in the working folder,
/// <c>WXHUB_</c> environment variables, then the command line's flags. Shared by the server and the admin verbs.
/// </summary>
public static class WxHubConfiguration
{
    public const string EnvironmentPrefix = "WXHUB_";

    public static IConfigurationBuilder AddWxHubSources(this IConfigurationBuilder builder, IReadOnlyDictionary<string, string?> overrides) =>
        builder
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = WxHubSettings.DefaultUrls,
                [nameof(WxHubSettings.Data)] = WxHubSettings.DefaultData,
            })
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(KeyVariables())
            .AddInMemoryCollection(overrides);

    /// <summary>
    /// The shared keys under the names the messages and docs give them (<c>WXHUB_MASTER_KEY</c>, <c>WXHUB_ADMIN_KEY</c>),
    /// which the prefix binding alone would not map to <see cref="WxHubSettings.MasterKey"/> and <see cref="WxHubSettings.AdminKey"/>.
    /// </summary>
    private static Dictionary<string, string?> KeyVariables() =>
        new[] { ("MASTER_KEY", nameof(WxHubSettings.MasterKey)), ("ADMIN_KEY", nameof(WxHubSettings.AdminKey)) }
            .Select(pair => (pair.Item2, Value: Environment.GetEnvironmentVariable(EnvironmentPrefix + pair.Item1)))
            .Where(pair => !string.IsNullOrEmpty(pair.Value))
            .ToDictionary(pair => pair.Item1, pair => pair.Value);

    public static WxHubSettings Build(IReadOnlyDictionary<string, string?> overrides) =>
        new ConfigurationBuilder().AddWxHubSources(overrides).Build().Get<WxHubSettings>() ?? new WxHubSettings();
}
