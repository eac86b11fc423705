namespace WxHub.Protocol.Requests;

/// <summary>
/// How WeChat's APIs take their credential: a query parameter, <c>access_token</c> (an account's or an authorizer's
/// token) or <c>component_access_token</c> (a third-party platform's own calls). Works on the raw, still encoded query.
/// </summary>
public static class CredentialQuery
{
    public const string AccessToken = "access_token";
    public const string ComponentAccessToken = "component_access_token";

    /// <summary>
    /// <paramref name="query"/> (with or without its leading <c>?</c>) less every credential parameter, whatever its
    /// case, with <paramref name="parameter"/>=<paramref name="value"/> appended; starts with <c>?</c>.
    /// </summary>
    public static string With(string query, string parameter, string value) =>
        "?" + string.Join('&', Parameters(query)
            .Where(p => !IsCredential(Name(p)))
            .Append(parameter + "=" + Uri.EscapeDataString(value)));

    /// <summary>The decoded value of the first non-empty <paramref name="parameter"/> in <paramref name="query"/>; null when there is none.</summary>
    public static string? Find(string query, string parameter) =>
        Parameters(query)
            .Where(p => Name(p) == parameter)
            .Select(p => Decode(p[(p.IndexOf('=') is var i and >= 0 ? i + 1 : p.Length)..]))
            .FirstOrDefault(v => v.Length > 0);

    private static bool IsCredential(string name) =>
        name.Equals(AccessToken, StringComparison.OrdinalIgnoreCase) || name.Equals(ComponentAccessToken, StringComparison.OrdinalIgnoreCase);

    private static string[] Parameters(string query) => query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);

    private static string Name(string parameter) => Decode(parameter.IndexOf('=') is var i and >= 0 ? parameter[..i] : parameter);

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}
