namespace WxHub.Core.Apps;

public interface IAppStore
{
    Task<AppRegistration?> GetAsync(string appid, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AppRegistration>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the app; false when the appid is already registered.</summary>
    Task<bool> AddAsync(AppRegistration app, CancellationToken cancellationToken = default);

    /// <summary>Replaces the app's registration; false when it is not registered.</summary>
    Task<bool> UpdateAsync(AppRegistration app, CancellationToken cancellationToken = default);

    /// <summary>Removes the app and everything derived from it (credentials, events); false when it was not registered.</summary>
    Task<bool> DeleteAsync(string appid, CancellationToken cancellationToken = default);
}
