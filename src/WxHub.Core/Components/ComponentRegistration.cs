namespace WxHub.Core.Components;

/// <summary>
/// A third-party platform (component) WxHub runs: its AppSecret and the Token and EncodingAESKey WeChat encrypts the
/// platform's pushes with. Plaintext in memory only; stores encrypt every secret.
/// </summary>
public sealed record ComponentRegistration(
    string ComponentAppid,
    string Secret,
    string Token,
    string EncodingAesKey,
    string? PreviousEncodingAesKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    // Records print their members; a registration must never print its secrets into a log.
    public override string ToString() => $"ComponentRegistration {{ ComponentAppid = {ComponentAppid} }}";
}

public interface IComponentStore
{
    Task<ComponentRegistration?> GetAsync(string componentAppid, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ComponentRegistration>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the platform; false when it is already registered.</summary>
    Task<bool> AddAsync(ComponentRegistration component, CancellationToken cancellationToken = default);

    /// <summary>Replaces the platform's registration; false when it is not registered.</summary>
    Task<bool> UpdateAsync(ComponentRegistration component, CancellationToken cancellationToken = default);
}
