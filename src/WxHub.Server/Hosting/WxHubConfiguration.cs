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
            .AddInMemoryCollection(overrides);

    public static WxHubSettings Build(IReadOnlyDictionary<string, string?> overrides) =>
        new ConfigurationBuilder().AddWxHubSources(overrides).Build().Get<WxHubSettings>() ?? new WxHubSettings();
}
