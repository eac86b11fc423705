using WxHub.Emulator.Api;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Components;
using WxHub.Emulator.Credentials;
using WxHub.Emulator.Faults;
using WxHub.Emulator.Messages;
using WxHub.Emulator.OAuth;
using WxHub.Emulator.Users;

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
    public UserDirectory Users { get; } = new();
    public LoginBook Logins { get; } = new();
    public SessionKeys SessionKeys { get; } = new();
    public ServiceWindows ServiceWindows { get; } = new();
    public Outbox Outbox { get; } = new();
    public MediaLibrary Media { get; } = new();
    public FaultBook Faults { get; } = new();
    public CallStats Stats { get; } = new();

    private DateTimeOffset? _callInstant;

    /// <summary>The emulator's time; during <see cref="AtOneInstant{T}"/>, the instant the call is handled at.</summary>
    public DateTimeOffset Now => _callInstant ?? Clock.GetUtcNow();

    /// <summary>
    /// Runs a call's handler (under <see cref="Gate"/>) at one instant, as a server handles a request at one time,
    /// so that a token issued with a 7200 s lifetime is answered with <c>expires_in: 7200</c>, not 7199.
    /// </summary>
    public T AtOneInstant<T>(Func<T> handle)
    {
        lock (Gate)
        {
            _callInstant = Clock.GetUtcNow();
            try { return handle(); }
            finally { _callInstant = null; }
        }
    }

    public TimeSpan TokenTtlOf(AppConfig app) => app.TokenTtl ?? Options.TokenTtl;
}
