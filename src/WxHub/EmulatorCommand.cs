using System.CommandLine;
using System.Net;
using WxHub.Emulator;

namespace WxHub.Cli;

/// <summary><c>wxhub emulator</c>: the local WeChat for a developer's own tests, on loopback ports, until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    private const string DefaultUrl = "http://127.0.0.1:9000";

    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Address of the api access point (default {DefaultUrl}); api2, sh, sz and hk take the next four ports (port 0: any free ports).",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var seed = new Option<FileInfo?>("--seed")
        {
            Description = "A JSON file of apps, components (third-party platforms) and users to set up at start; see docs/emulator.md.",
        };
        var tokenTtl = new Option<int?>("--token-ttl")
        {
            Description = "Lifetime in seconds of every credential the emulator issues (default 7200).",
        };

        var command = new Command("emulator", "Run the local WeChat emulator (WeChat's API servers, pages and pushes on loopback).") { urls, seed, tokenTtl };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!TryParseUrl(parse.GetValue(urls)!, out var address, out var port, out var urlError)) return Fail(urlError);
            var ttl = parse.GetValue(tokenTtl);
            if (ttl is < 1) return Fail("--token-ttl must be a whole number of seconds, at least 1.");
            var seedFile = parse.GetValue(seed);
            if (seedFile is { Exists: false }) return Fail($"--seed: there is no file {seedFile.FullName}.");

            var options = new EmulatorOptions { Address = address, BasePort = port };
            if (ttl is { } seconds) options.TokenTtl = TimeSpan.FromSeconds(seconds);
            await using var emulator = await WeChatEmulator.StartAsync(options, cancellation);
            SeedResult? seeded = null;
            if (seedFile is not null)
            {
                try { seeded = emulator.LoadSeed(await File.ReadAllTextAsync(seedFile.FullName, cancellation)); }
                catch (InvalidDataException e) { return Fail($"--seed {seedFile.Name}: {e.Message}"); }
            }

            PrintSummary(emulator, options, seeded);
            try { await Task.Delay(Timeout.Infinite, cancellation); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return command;
    }

    private static void PrintSummary(WeChatEmulator emulator, EmulatorOptions options, SeedResult? seeded)
    {
        var api = emulator.BaseUrl;
        Console.WriteLine("WeChat emulator running.");
        Console.WriteLine("Access points (same state; point WxHub's --wechat-api at api):");
        foreach (var (name, url) in emulator.AccessPoints) Console.WriteLine($"  {name,-5} {url}");
        Console.WriteLine($"Control API:     {api}__emulator/ (apps, components, users, seed, push, faults, clock, stats, access_points, pushes)");
        Console.WriteLine($"Token lifetime:  {options.TokenTtl.TotalSeconds:0} s");
        if (seeded is not null) Console.WriteLine($"Seeded:          {seeded.Apps} apps, {seeded.Components} platforms, {seeded.Users} users");
        Console.WriteLine("Serves:          /cgi-bin/token, /cgi-bin/stable_token, ticket/getticket, clear_quota, user/*, message/*, media/get,");
        Console.WriteLine("                 /cgi-bin/component/*, /sns/* (OAuth, jscode2session), and the pages /connect/oauth2/authorize,");
        Console.WriteLine("                 /connect/qrconnect, /cgi-bin/componentloginpage, /wxaopen/safe/bindcomponent.");
        Console.WriteLine("Press Ctrl+C to stop.");
    }

    private static bool TryParseUrl(string value, out IPAddress address, out int port, out string error)
    {
        (address, port, error) = (IPAddress.Loopback, 0, "");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            error = $"--urls must be one http address such as {DefaultUrl}, not '{value}'.";
            return false;
        }
        if (uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _)) address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address!))
        {
            error = $"--urls: '{uri.Host}' must be an IP address (e.g. 127.0.0.1) or localhost.";
            return false;
        }
        port = uri.Port;
        if (port > IPEndPoint.MaxPort - AccessPointNames.All.Count + 1)
        {
            error = $"--urls: port {port} leaves no room for the other {AccessPointNames.All.Count - 1} access points.";
            return false;
        }
        return true;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"wxhub emulator: {message}");
        return 2;
    }
}
