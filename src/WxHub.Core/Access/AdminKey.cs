using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Secrets;

namespace WxHub.Core.Access;

/// <summary>
/// The key of the admin API. From configuration (<c>WXHUB_ADMIN_KEY</c>), else, for the embedded store only,
/// <c>&lt;data&gt;/admin-key</c>, which is created (mode 0600) on first start. Only its hash is held in memory.
/// </summary>
public sealed class AdminKey
{
    public const string FileName = "admin-key";

    private readonly byte[] _hash;

    private AdminKey(string key, string? createdAt)
    {
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        CreatedAtPath = createdAt;
    }

    /// <summary>The file the key was just written to, when this start created it; null otherwise.</summary>
    public string? CreatedAtPath { get; }

    public static AdminKey Load(string dataDirectory, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return new AdminKey(configured.Trim(), null);

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path)) return new AdminKey(File.ReadAllText(path).Trim(), null);

        var key = "wxa_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        PrivateFile.WriteNew(path, key + "\n");
        return new AdminKey(key, path);
    }

    /// <summary>The key from configuration only, for a store shared by several instances that must all accept it.</summary>
    public static AdminKey Require(string? configured, string why) =>
        string.IsNullOrWhiteSpace(configured)
            ? throw new InvalidOperationException($"{why}: set WXHUB_ADMIN_KEY (AdminKey in appsettings.json) to the same admin API key on every instance, for example 'wxa_' followed by the output of 'openssl rand -hex 32'.")
            : new AdminKey(configured.Trim(), null);

    public bool Verify(string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);
}
