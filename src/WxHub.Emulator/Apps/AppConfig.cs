using System.Net;
using WxHub.Protocol.Crypto;

namespace WxHub.Emulator.Apps;

internal enum AppType
{
    OfficialAccount,
    MiniProgram,
    Website,
}

/// <summary>How pushes to the app's server are wrapped (the console's 消息加解密方式).</summary>
internal enum PushMode
{
    Plaintext,
    Compatible,
    Safe,
}

/// <summary>An account as configured in WeChat's console. Registering the appid again replaces it; what was issued stays.</summary>
internal sealed record AppConfig(
    string AppId,
    string Secret,
    AppType Type,
    string OriginalId,
    string Name,
    Uri? CallbackUrl,
    string? Token,
    EncodingAesKey? EncodingAesKey,
    PushMode Mode,
    IpAllowList IpWhitelist,
    string? OpenAccount,
    TimeSpan? TokenTtl,
    IReadOnlyDictionary<string, int> Quotas);

/// <summary>An IP whitelist: addresses and CIDR ranges. Empty means every caller is allowed.</summary>
internal sealed class IpAllowList
{
    private readonly IPNetwork[] _networks;

    private IpAllowList(IPNetwork[] networks, IReadOnlyList<string> entries)
    {
        _networks = networks;
        Entries = entries;
    }

    public static IpAllowList Everyone { get; } = new([], []);

    public IReadOnlyList<string> Entries { get; }

    public static bool TryParse(IReadOnlyList<string>? entries, out IpAllowList list, out string? error)
    {
        list = Everyone;
        error = null;
        if (entries is null || entries.Count == 0) return true;
        var networks = new IPNetwork[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i]?.Trim() ?? "";
            if (IPNetwork.TryParse(entry, out networks[i])) continue;
            if (IPAddress.TryParse(entry, out var address))
            {
                networks[i] = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                continue;
            }
            error = $"'{entry}' is neither an IP address nor a CIDR range (e.g. 127.0.0.1 or 10.0.0.0/8)";
            return false;
        }
        list = new IpAllowList(networks, entries);
        return true;
    }

    public bool Allows(IPAddress caller)
    {
        if (_networks.Length == 0) return true;
        var address = caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller;
        return _networks.Any(n => n.Contains(address));
    }
}
