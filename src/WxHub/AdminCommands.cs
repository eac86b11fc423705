using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Core.Apps;
using WxHub.Core.Access;
using WxHub.Core.Credentials;
using WxHub.Server.Hosting;

namespace WxHub.Cli;

/// <summary>
/// <c>wxhub app …</c> and <c>wxhub key …</c>: the admin API's operations on the local store (the folder given by
/// <c>--data</c>, <c>WXHUB_DATA</c> or appsettings.json), for set-up scripts and machines without the server running.
/// </summary>
internal static class AdminCommands
{
    private const int Unhealthy = 1;
    private const int InvalidInput = 2;

    private static readonly Option<string> Data = new("--data") { Description = $"Data folder of the store (default {WxHubSettings.DefaultData}; WXHUB_DATA)." };

    public static Command App()
    {
        var appid = new Option<string>("--appid") { Description = "The app's AppID.", Required = true };
        var secret = new Option<string>("--secret") { Description = "The AppSecret, or '-' to read it from standard input (keeps it out of the process list).", Required = true };
        var type = new Option<string>("--type") { Description = "official_account | mini_program | website", Required = true };
        var tokenMode = new Option<string>("--token-mode") { Description = "stable (default) | classic" };
        var token = new Option<string>("--token") { Description = "The message server Token (optional)." };
        var aesKey = new Option<string>("--encoding-aes-key") { Description = "The message server EncodingAESKey (optional)." };
        var add = new Command("add", "Register an app.") { appid, secret, type, tokenMode, token, aesKey, Data };
        add.SetAction(async (parse, cancellation) =>
        {
            var apps = Open(parse).GetRequiredService<AppAdministration>();
            var secretValue = parse.GetValue(secret) == "-" ? (await Console.In.ReadLineAsync(cancellation))?.Trim() : parse.GetValue(secret);
            var result = await apps.AddAsync(new AppRegistrationRequest(parse.GetValue(appid), secretValue, parse.GetValue(type), parse.GetValue(tokenMode), parse.GetValue(token), parse.GetValue(aesKey)), cancellation);
            if (!result.Succeeded) return Fail(result.Message!);
            Console.WriteLine($"Registered {result.Value!.Appid} ({AppAdministration.TypeName(result.Value.Type)}, {AppAdministration.TokenModeName(result.Value.TokenMode)} tokens).");
            return 0;
        });

        var list = new Command("list", "List registered apps.") { Data };
        list.SetAction(async (parse, cancellation) =>
        {
            var apps = await Open(parse).GetRequiredService<IAppStore>().ListAsync(cancellation);
            Console.WriteLine($"{"APPID",-24} {"TYPE",-18} {"TOKEN MODE",-10} {"MESSAGE SERVER",-14}");
            foreach (var app in apps)
                Console.WriteLine($"{app.Appid,-24} {AppAdministration.TypeName(app.Type),-18} {AppAdministration.TokenModeName(app.TokenMode),-10} {(app.EncodingAesKey is null ? "plaintext" : "aes"),-14}");
            return 0;
        });

        var showId = new Argument<string>("appid") { Description = "The app's AppID." };
        var show = new Command("show", "Show one app (never its secrets).") { showId, Data };
        show.SetAction(async (parse, cancellation) =>
        {
            var app = await Open(parse).GetRequiredService<IAppStore>().GetAsync(parse.GetValue(showId)!, cancellation);
            if (app is null) return Fail($"No app '{parse.GetValue(showId)}' is registered; see 'wxhub app list'.");
            Console.WriteLine($"appid:            {app.Appid}");
            Console.WriteLine($"type:             {AppAdministration.TypeName(app.Type)}");
            Console.WriteLine($"token mode:       {AppAdministration.TokenModeName(app.TokenMode)}");
            Console.WriteLine($"message token:    {(app.Token is null ? "not set" : "set")}");
            Console.WriteLine($"encoding aes key: {(app.EncodingAesKey is null ? "not set" : "set")}");
            Console.WriteLine($"registered:       {app.CreatedAt:u}");
            return 0;
        });

        var removeId = new Argument<string>("appid") { Description = "The app's AppID." };
        var remove = new Command("remove", "Remove an app and its stored credentials.") { removeId, Data };
        remove.SetAction(async (parse, cancellation) =>
        {
            var appidValue = parse.GetValue(removeId)!;
            if (!await Open(parse).GetRequiredService<AppAdministration>().RemoveAsync(appidValue, cancellation))
                return Fail($"No app '{appidValue}' is registered; see 'wxhub app list'.");
            Console.WriteLine($"Removed {appidValue}.");
            return 0;
        });

        return new Command("app", "Register, list, show and remove apps in the local store.") { add, list, show, remove };
    }

    public static Command Key()
    {
        var name = new Option<string>("--name") { Description = "Who uses the key, e.g. shop-backend.", Required = true };
        var apps = new Option<string>("--apps") { Description = "Comma-separated appids the key may use, or '*' for all.", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Comma-separated scopes ({string.Join(", ", ApiScopes.All)}); all when omitted." };
        var create = new Command("create", "Create a business API key; it is printed once.") { name, apps, scopes, Data };
        create.SetAction(async (parse, cancellation) =>
        {
            var result = await Open(parse).GetRequiredService<KeyAdministration>().CreateAsync(
                parse.GetValue(name), SplitList(parse.GetValue(apps)), SplitList(parse.GetValue(scopes)), cancellation);
            if (!result.Succeeded) return Fail(result.Message!);
            Console.Error.WriteLine($"Created key {result.Value!.Record.Id}; it is shown this once:");
            Console.WriteLine(result.Value.Key);
            return 0;
        });

        var list = new Command("list", "List API keys (never the keys themselves).") { Data };
        list.SetAction(async (parse, cancellation) =>
        {
            var keys = await Open(parse).GetRequiredService<KeyAdministration>().ListAsync(cancellation);
            Console.WriteLine($"{"ID",-16} {"NAME",-20} {"APPS",-30} {"STATE",-8}");
            foreach (var key in keys)
                Console.WriteLine($"{key.Id,-16} {key.Name,-20} {string.Join(",", key.Apps),-30} {(key.IsRevoked ? "revoked" : "active"),-8}");
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The key's id (from 'wxhub key list')." };
        var revoke = new Command("revoke", "Revoke an API key.") { id, Data };
        revoke.SetAction(async (parse, cancellation) =>
        {
            if (!await Open(parse).GetRequiredService<KeyAdministration>().RevokeAsync(parse.GetValue(id)!, cancellation))
                return Fail($"No API key '{parse.GetValue(id)}'; see 'wxhub key list'.");
            Console.WriteLine($"Revoked {parse.GetValue(id)}.");
            return 0;
        });

        return new Command("key", "Create, list and revoke business API keys in the local store.") { create, list, revoke };
    }

    /// <summary><c>wxhub status</c>: exit code 0 when every credential is valid, 1 when one is failing, expired or missing.</summary>
    public static Command Status()
    {
        var status = new Command("status", "Show every credential with its time left, state and last error (exit code 1 when one is not valid).") { Data };
        status.SetAction(async (parse, cancellation) =>
        {
            var rows = await Open(parse).GetRequiredService<CredentialReport>().ListAsync(cancellation);
            if (rows.Count == 0)
            {
                Console.WriteLine("No apps are registered; see 'wxhub app add'.");
                return 0;
            }
            Console.WriteLine($"{"APPID",-24} {"CREDENTIAL",-14} {"STATE",-8} {"TIME LEFT",-10} LAST ERROR");
            foreach (var row in rows)
            {
                var error = row.LastError is { } e ? $"{e.At:u} {(e.ErrCode is { } code ? $"errcode {code}: " : "")}{e.Detail}" : "";
                Console.WriteLine($"{row.Key.Appid,-24} {KindName(row.Key.Kind),-14} {row.State.ToString().ToLowerInvariant(),-8} {TimeLeft(row.TimeLeft),-10} {error}");
            }
            return rows.All(r => r.State == CredentialState.Valid) ? 0 : Unhealthy;
        });
        return status;
    }

    private static string KindName(CredentialKind kind) => kind switch
    {
        CredentialKind.AccessToken => "access_token",
        CredentialKind.JsapiTicket => "jsapi_ticket",
        _ => "wx_card_ticket",
    };

    private static string TimeLeft(TimeSpan? left) => left is { } l ? $"{(int)l.TotalHours}h{l.Minutes:D2}m{l.Seconds:D2}s" : "-";

    private static ServiceProvider Open(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(Data) is { } data) overrides[nameof(WxHubSettings.Data)] = data;
        return new ServiceCollection().AddWxHubAdministration(WxHubConfiguration.Build(overrides)).BuildServiceProvider();
    }

    private static List<string>? SplitList(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"wxhub: {message}");
        return InvalidInput;
    }
}
