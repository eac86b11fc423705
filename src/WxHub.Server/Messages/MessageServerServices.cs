using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxHub.Core.Apps;

namespace WxHub.Server.Messages;

public static class MessageServerServices
{
    /// <summary>The message server: callback verification and ingress, subscriber deliveries and the outbox dispatcher.</summary>
    public static IServiceCollection AddWxHubMessageServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessageServerOptions>().Bind(configuration.GetSection(MessageServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MessageServerOptions>, OptionsValidator>();
        services.AddMetrics();
        services.AddHttpClient(SubscriberClient.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // SubscriberClient times attempts on the injected clock
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();

        services.AddSingleton<CallbackMetrics>();
        services.AddSingleton<SubscriberClient>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<CallbackTargets>();
        services.AddSingleton<IAppChangeListener>(provider => provider.GetRequiredService<CallbackTargets>());
        services.AddSingleton<CallbackAuthenticator>();
        services.AddSingleton<PushReader>();
        services.AddSingleton<CallbackIngress>();
        services.AddSingleton<CallbackRejections>();
        services.AddSingleton<UrlVerificationHandler>();
        services.AddSingleton<PushHandler>();
        return services;
    }

    private sealed class OptionsValidator : IValidateOptions<MessageServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, MessageServerOptions options) =>
            options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
