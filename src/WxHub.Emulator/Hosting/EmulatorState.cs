using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Faults;

namespace WxHub.Emulator.Hosting;

/// <summary>
/// Everything the emulator knows, shared by all access points. One lock guards it all: the emulator serves tests, so
/// simple and obviously consistent beats concurrent.
/// </summary>
internal sealed class EmulatorState(EmulatorOptions options, EmulatorClock clock)
{
    public Lock Gate { get; } = new();
    public EmulatorOptions Options { get; } = options;
    public EmulatorClock Clock { get; } = clock;

    public Dictionary<string, AppConfig> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ComponentState> Components { get; } = new(StringComparer.Ordinal);
    public CredentialBook Credentials { get; } = new();
    public QuotaBook Quotas { get; } = new();
    public Dictionary<string, ForceRefreshLog> ForceRefreshes { get; } = new(StringComparer.Ordinal);
    public FaultBook Faults { get; } = new();
    public CallStats Stats { get; } = new();

    public DateTimeOffset Now => Clock.GetUtcNow();

    public TimeSpan TokenTtlOf(AppConfig app) => app.TokenTtl ?? Options.TokenTtl;
}
