using System.Security.Cryptography;

namespace WxHub.Core.Secrets;

/// <summary>
/// The key that encrypts every secret at rest: from configuration (<c>WXHUB_MASTER_KEY</c>, base64 of 32 bytes) or, for
/// the embedded store only, from <c>&lt;data&gt;/master.key</c>, which is created with mode 0600 on first start.
/// </summary>
public static class MasterKey
{
    public const int Size = 32;
    public const string FileName = "master.key";

    public static byte[] Load(string dataDirectory, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Decode(configured, "WXHUB_MASTER_KEY");

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path)) return Decode(File.ReadAllText(path), path);

        var key = RandomNumberGenerator.GetBytes(Size);
        PrivateFile.WriteNew(path, Convert.ToBase64String(key));
        return key;
    }

    /// <summary>
    /// The key from configuration only, for a store shared by several instances: they must all use the same key, so
    /// none may invent one in its own data folder.
    /// </summary>
    public static byte[] Require(string? configured, string why) =>
        string.IsNullOrWhiteSpace(configured)
            ? throw new InvalidOperationException($"{why}: set WXHUB_MASTER_KEY (MasterKey in appsettings.json) to the same base64 of {Size} bytes on every instance, for example from 'openssl rand -base64 32'.")
            : Decode(configured, "WXHUB_MASTER_KEY");

    private static byte[] Decode(string text, string source)
    {
        Span<byte> buffer = stackalloc byte[Size + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != Size)
            throw new InvalidOperationException($"The master key in {source} must be the base64 of exactly {Size} bytes (for example from 'openssl rand -base64 32').");
        return buffer[..Size].ToArray();
    }
}
