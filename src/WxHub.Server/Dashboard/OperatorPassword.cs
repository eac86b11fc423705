using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WxHub.Server.Dashboard;

/// <summary>
/// The operator's dashboard password as configured: <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>
/// (base64), made by <c>wxhub dashboard hash-password</c>. Only the hash is ever configured or held.
/// </summary>
public sealed class OperatorPassword
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA256 (2023): about a quarter of a second per sign-in here.</summary>
    public const int DefaultIterations = 600_000;

    private readonly int _iterations;
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private OperatorPassword(int iterations, byte[] salt, byte[] hash) => (_iterations, _salt, _hash) = (iterations, salt, hash);

    /// <summary>A new hash of <paramref name="password"/> with a random salt, in the configured form.</summary>
    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static bool TryParse(string? configured, [NotNullWhen(true)] out OperatorPassword? password)
    {
        password = null;
        var parts = configured?.Trim().Split('$');
        if (parts is not [Scheme, var iterations, var salt, var hash]
            || !int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1) return false;
        try
        {
            var saltBytes = Convert.FromBase64String(salt);
            var hashBytes = Convert.FromBase64String(hash);
            if (saltBytes.Length < SaltBytes || hashBytes.Length != HashBytes) return false;
            password = new OperatorPassword(count, saltBytes, hashBytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Compares in constant time; an empty password never matches.</summary>
    public bool Verify(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(Derive(presented, _salt, _iterations), _hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}

/// <summary>The <c>Dashboard</c> section of configuration (<c>WXHUB_DASHBOARD__OPERATORPASSWORDHASH</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The hash of the operator password, which signs in to the dashboard besides the admin key; unset, only the admin
    /// key does. Made by <c>wxhub dashboard hash-password</c>.
    /// </summary>
    public string? OperatorPasswordHash { get; set; }

    /// <summary>Failed sign-ins from one address within <see cref="SignInWindow"/> after which it must wait for the window to end.</summary>
    public int SignInAttempts { get; set; } = 5;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(15);
}
