using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WxHub.Core.Coordination;
using WxHub.Protocol.Crypto;

namespace WxHub.Core.Apps;

/// <summary>What an operator asks for when registering an app (admin API, CLI or configuration).</summary>
public sealed record AppRegistrationRequest(
    string? Appid,
    string? Secret,
    string? Type,
    string? TokenMode,
    string? Token,
    string? EncodingAesKey);

/// <summary>A partial change; null members are left as they are.</summary>
public sealed record AppChangeRequest(
    string? Secret,
    string? Type,
    string? TokenMode,
    string? Token,
    string? EncodingAesKey);

/// <summary>The outcome of an administrative operation: a value, or an error code and a message that says how to fix it.</summary>
public sealed record AdminResult<T>(T? Value, string? Error, string? Message)
{
    public bool Succeeded => Error is null;

    public static AdminResult<T> Ok(T value) => new(value, null, null);

    public static AdminResult<T> Fail(string error, string message) => new(default, error, message);
}

/// <summary>
/// Registers, changes and removes apps, validating input once for every front end, and tells listeners: this
/// instance's at once, the other instances' of a cluster through a change notification (heard once it is started as a
/// hosted service).
/// </summary>
public sealed partial class AppAdministration(
    IAppStore store,
    IEnumerable<IAppChangeListener> listeners,
    IChangeNotifications notifications,
    WxHubInstance instance,
    TimeProvider time,
    ILogger<AppAdministration> logger) : IHostedService, IDisposable
{
    private const string Channel = "app-changed";
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _listening;

    public async Task<AdminResult<AppRegistration>> AddAsync(AppRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Appid) || !AppidPattern().IsMatch(request.Appid))
            return Fail("invalid_appid", "'appid' is required: the app's AppID as shown in the WeChat admin console (letters, digits, '_' or '-', up to 64).");
        if (string.IsNullOrWhiteSpace(request.Secret))
            return Fail("invalid_secret", "'secret' is required: the app's AppSecret from the WeChat admin console.");
        if (!TryParseType(request.Type, out var type, out var failure)) return failure;
        if (!TryParseTokenMode(request.TokenMode ?? "stable", out var mode, out failure)) return failure;
        if (ValidateToken(request.Token) is { } tokenFailure) return tokenFailure;
        if (ValidateAesKey(request.EncodingAesKey) is { } keyFailure) return keyFailure;

        var now = time.GetUtcNow();
        var app = new AppRegistration(request.Appid, type, mode, request.Secret.Trim(), request.Token, request.EncodingAesKey, null, now, now);
        if (!await store.AddAsync(app, cancellationToken))
            return Fail("app_exists", $"App '{request.Appid}' is already registered; change it with PATCH /v1/admin/apps/{request.Appid}.");
        await NotifyAsync(app.Appid, app, cancellationToken);
        return AdminResult<AppRegistration>.Ok(app);
    }

    public async Task<AdminResult<AppRegistration>> ChangeAsync(string appid, AppChangeRequest change, CancellationToken cancellationToken = default)
    {
        var app = await store.GetAsync(appid, cancellationToken);
        if (app is null) return NotFound(appid);

        if (change.Secret is not null && string.IsNullOrWhiteSpace(change.Secret))
            return Fail("invalid_secret", "'secret' may not be empty.");
        var type = app.Type;
        if (change.Type is not null && !TryParseType(change.Type, out type, out var failure)) return failure;
        var mode = app.TokenMode;
        if (change.TokenMode is not null && !TryParseTokenMode(change.TokenMode, out mode, out failure)) return failure;
        if (ValidateToken(change.Token) is { } tokenFailure) return tokenFailure;
        if (ValidateAesKey(change.EncodingAesKey) is { } keyFailure) return keyFailure;

        // A new EncodingAESKey keeps the old one as previous: WeChat may still send messages under it for a while.
        var keyChanged = change.EncodingAesKey is not null && change.EncodingAesKey != app.EncodingAesKey;
        var updated = app with
        {
            Secret = change.Secret?.Trim() ?? app.Secret,
            Type = type,
            TokenMode = mode,
            Token = change.Token ?? app.Token,
            EncodingAesKey = keyChanged ? change.EncodingAesKey : app.EncodingAesKey,
            PreviousEncodingAesKey = keyChanged ? app.EncodingAesKey : app.PreviousEncodingAesKey,
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await store.UpdateAsync(updated, cancellationToken)) return NotFound(appid);
        await NotifyAsync(appid, updated, cancellationToken);
        return AdminResult<AppRegistration>.Ok(updated);
    }

    public async Task<bool> RemoveAsync(string appid, CancellationToken cancellationToken = default)
    {
        if (!await store.DeleteAsync(appid, cancellationToken)) return false;
        await NotifyAsync(appid, null, cancellationToken);
        return true;
    }

    public static AdminResult<AppRegistration> NotFound(string appid) =>
        Fail("app_not_found", $"No app '{appid}' is registered. List apps with GET /v1/admin/apps.");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _listening = await notifications.SubscribeAsync(Channel, payload =>
        {
            // Changes announced while the store was out of reach are not replayed: tokens and caches of a changed app
            // are corrected by their own expiry and refresh then.
            var parts = payload?.Split(' ');
            if (parts is [var from, var appid] && from != instance.Id) _ = RelayAsync(appid);
        }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listening?.Dispose();
        _stopping.Cancel();
    }

    private async Task NotifyAsync(string appid, AppRegistration? current, CancellationToken cancellationToken)
    {
        foreach (var listener in listeners) await listener.OnAppChangedAsync(appid, current, cancellationToken);
        await notifications.PublishAsync(Channel, $"{instance.Id} {appid}", cancellationToken);
    }

    /// <summary>Another instance changed the app: this one's listeners drop what they derived from the old registration.</summary>
    private async Task RelayAsync(string appid)
    {
        try
        {
            var current = await store.GetAsync(appid, _stopping.Token);
            foreach (var listener in listeners) await listener.OnAppChangedAsync(appid, current, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRelayFailed(e, appid);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take in a change another instance made to app {Appid}")]
    private partial void LogRelayFailed(Exception exception, string appid);

    private static bool TryParseType(string? value, out AppType type, out AdminResult<AppRegistration> failure)
    {
        (type, var known) = value switch
        {
            "official_account" => (AppType.OfficialAccount, true),
            "mini_program" => (AppType.MiniProgram, true),
            "website" => (AppType.Website, true),
            _ => (default, false),
        };
        failure = Fail("invalid_type", "'type' must be \"official_account\", \"mini_program\" or \"website\".");
        return known;
    }

    private static bool TryParseTokenMode(string value, out TokenMode mode, out AdminResult<AppRegistration> failure)
    {
        (mode, var known) = value switch
        {
            "stable" => (TokenMode.Stable, true),
            "classic" => (TokenMode.Classic, true),
            _ => (default, false),
        };
        failure = Fail("invalid_token_mode", "'token_mode' must be \"stable\" (the default, /cgi-bin/stable_token) or \"classic\" (/cgi-bin/token).");
        return known;
    }

    private static AdminResult<AppRegistration>? ValidateToken(string? token) =>
        token is null || TokenPattern().IsMatch(token)
            ? null
            : Fail("invalid_token", "'token' (the message server Token) must be 3 to 32 letters or digits, as the WeChat admin console requires.");

    private static AdminResult<AppRegistration>? ValidateAesKey(string? key) =>
        key is null || EncodingAesKey.TryParse(key, out _, out _)
            ? null
            : Fail("invalid_encoding_aes_key", "'encoding_aes_key' must be the 43-character EncodingAESKey from the WeChat admin console (letters and digits).");

    private static AdminResult<AppRegistration> Fail(string error, string message) => AdminResult<AppRegistration>.Fail(error, message);

    public static string TypeName(AppType type) => type switch
    {
        AppType.OfficialAccount => "official_account",
        AppType.MiniProgram => "mini_program",
        _ => "website",
    };

    public static string TokenModeName(TokenMode mode) => mode == TokenMode.Classic ? "classic" : "stable";

    /// <summary>An AppID as WeChat's consoles show them (also of platforms).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    internal static partial Regex AppidPattern();

    /// <summary>A message server Token as WeChat's consoles accept them (also of platforms).</summary>
    [GeneratedRegex("^[A-Za-z0-9]{3,32}$")]
    internal static partial Regex TokenPattern();
}
