using System.Security.Cryptography;
using WxHub.Emulator.Control;
using WxHub.Emulator.Hosting;
using WxHub.Protocol.Crypto;

namespace WxHub.Emulator.Apps;

/// <summary>Turns <c>POST /__emulator/apps</c> (or a seed file's app) into an account, checking it as WeChat's console would.</summary>
internal sealed class AppRegistrar(EmulatorState state)
{
    public AppConfig Register(AppRegistration registration)
    {
        var config = ToConfig(registration);
        lock (state.Gate)
        {
            if (state.Components.ContainsKey(config.AppId))
                throw new ControlProblem(409, "appid_taken", $"'{config.AppId}' is registered as a third-party platform; an appid is one or the other.");
            state.Apps[config.AppId] = config;
        }
        return config;
    }

    public AppView View(AppConfig app) => new(
        app.AppId,
        TypeName(app.Type),
        app.OriginalId,
        app.Name,
        app.Mode.ToString().ToLowerInvariant(),
        (int)state.TokenTtlOf(app).TotalSeconds);

    private static AppConfig ToConfig(AppRegistration r)
    {
        var appId = Required(r.AppId, "appid");
        var secret = Required(r.Secret, "secret");
        var type = r.Type switch
        {
            "official_account" => AppType.OfficialAccount,
            "mini_program" => AppType.MiniProgram,
            "website" => AppType.Website,
            _ => throw Bad("invalid_type", "type must be \"official_account\", \"mini_program\" or \"website\"."),
        };
        var mode = r.Mode switch
        {
            null or "plaintext" => PushMode.Plaintext,
            "compatible" => PushMode.Compatible,
            "safe" => PushMode.Safe,
            _ => throw Bad("invalid_mode", "mode must be \"plaintext\", \"compatible\" or \"safe\"."),
        };
        var callbackUrl = OptionalHttpUrl(r.CallbackUrl, "callback_url");
        if (callbackUrl is not null && string.IsNullOrEmpty(r.Token))
            throw Bad("token_required", "An app with a callback_url needs the token its server verifies signatures with.");
        if (mode != PushMode.Plaintext && r.EncodingAesKey is null)
            throw Bad("encoding_aes_key_required", $"mode \"{r.Mode}\" encrypts pushes, so it needs an encoding_aes_key (43 letters and digits).");
        var key = OptionalKey(r.EncodingAesKey, "encoding_aes_key");
        if (!IpAllowList.TryParse(r.IpWhitelist, out var whitelist, out var whitelistError))
            throw Bad("invalid_ip_whitelist", $"ip_whitelist: {whitelistError}.");

        return new AppConfig(
            appId,
            secret,
            type,
            r.OriginalId ?? "gh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            r.Name ?? appId,
            callbackUrl,
            r.Token,
            key,
            mode,
            whitelist,
            string.IsNullOrEmpty(r.OpenAccount) ? null : r.OpenAccount,
            TtlOf(r.TokenTtlSeconds),
            Quotas(r.Quotas));
    }

    public static string TypeName(AppType type) => type switch
    {
        AppType.OfficialAccount => "official_account",
        AppType.MiniProgram => "mini_program",
        _ => "website",
    };

    public static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Bad("missing_field", $"\"{field}\" is required.") : value;

    public static Uri? OptionalHttpUrl(string? value, string field)
    {
        if (value is null) return null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        throw Bad("invalid_url", $"\"{field}\" must be an absolute http(s) URL, e.g. http://127.0.0.1:8080/wechat/callback.");
    }

    public static EncodingAesKey? OptionalKey(string? value, string field)
    {
        if (value is null) return null;
        return EncodingAesKey.TryParse(value, out var key, out var error)
            ? key
            : throw Bad("invalid_encoding_aes_key", $"\"{field}\": {error}");
    }

    public static TimeSpan? TtlOf(int? seconds) => seconds switch
    {
        null => null,
        < 1 => throw Bad("invalid_token_ttl", "token_ttl_seconds must be at least 1."),
        _ => TimeSpan.FromSeconds(seconds.Value),
    };

    private static IReadOnlyDictionary<string, int> Quotas(Dictionary<string, int>? quotas)
    {
        if (quotas is null) return new Dictionary<string, int>();
        foreach (var (path, limit) in quotas)
        {
            if (!path.StartsWith('/')) throw Bad("invalid_quota", $"quotas: \"{path}\" must be an API path such as /cgi-bin/token.");
            if (limit < 0) throw Bad("invalid_quota", $"quotas: the daily limit of {path} cannot be negative.");
        }
        return new Dictionary<string, int>(quotas, StringComparer.Ordinal);
    }

    public static ControlProblem Bad(string error, string message) => ControlProblem.BadRequest(error, message);
}
