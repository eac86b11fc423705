namespace WxHub.Core.Apps;

/// <summary>
/// Told when an app is added, changed or removed (through the admin API, the CLI's store or configuration), so that
/// what was derived from its old registration (cached tokens, error states, schedules) is dropped.
/// </summary>
public interface IAppChangeListener
{
    /// <param name="current">The registration now, or null when the app was removed.</param>
    ValueTask OnAppChangedAsync(string appid, AppRegistration? current, CancellationToken cancellationToken);
}
