using System.Globalization;
using System.Security.Cryptography;

namespace WxHub.Core.Coordination;

/// <summary>
/// This process among the instances that share a store. <see cref="Clustered"/> is false on the embedded SQLite store,
/// which one process uses at a time: it keeps the cheap in-process paths. On PostgreSQL other instances may share the
/// store, so refreshes take leases and outbox deliveries are claimed in this instance's name.
/// </summary>
/// <param name="Id">Unique to this process's life: host, process id and a random part, so operators (and tests) can
/// tell which process holds a lease or a delivery.</param>
public sealed record WxHubInstance(string Id, bool Clustered)
{
    public static WxHubInstance Start(bool clustered) => new(
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"),
        clustered);
}
