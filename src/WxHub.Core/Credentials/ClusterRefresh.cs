using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WxHub.Core.Coordination;

namespace WxHub.Core.Credentials;

/// <summary>
/// One refresh per credential across the instances sharing a PostgreSQL store. A refresh runs under the credential's
/// lease, kept alive while WeChat answers; an instance that finds the lease taken waits until the holder announces the
/// new value or the lease lapses (the holder died), then takes the stored value instead of calling WeChat. Every
/// instance hears each announcement, so it reloads its cached copy at once and goes on serving reads from memory.
/// </summary>
internal sealed partial class ClusterRefresh(
    ILeaseStore leases, IChangeNotifications notifications, WxHubInstance instance, CredentialOptions options, TimeProvider time, ILogger logger)
{
    public const string Channel = "credentials";

    /// <summary>How often an instance waiting for another's refresh looks at the lease and the store without being told.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(1);

    private readonly ILeaseStore _leases = leases;
    private readonly CredentialOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly ConcurrentDictionary<CredentialKey, TaskCompletionSource> _announcements = new();

    /// <summary>
    /// Calls <paramref name="replaced"/> with each credential another instance replaced, and with null whenever
    /// announcements may have been missed (the connection to the store was lost and is back).
    /// </summary>
    public Task<IDisposable> ListenAsync(Action<CredentialKey?> replaced, CancellationToken cancellationToken) =>
        notifications.SubscribeAsync(Channel, payload =>
        {
            if (payload is null)
            {
                foreach (var key in _announcements.Keys) Wake(key);
                replaced(null);
            }
            else if (TryParse(payload, out var holder, out var key))
            {
                Wake(key);
                if (holder != instance.Id) replaced(key);
            }
        }, cancellationToken);

    /// <summary>
    /// The turn to refresh <paramref name="key"/>, holding its lease; or null once <paramref name="doneElsewhere"/> says
    /// another instance's refresh made this one needless (checked after every wait, and once more on taking the lease).
    /// </summary>
    public async Task<Turn?> TakeTurnAsync(CredentialKey key, Func<Task<bool>> doneElsewhere, CancellationToken cancellationToken)
    {
        var wait = _options.RefreshLease / 4 < LongestWait ? _options.RefreshLease / 4 : LongestWait;
        while (true)
        {
            // Registered before trying, so an announcement between the try and the wait is not missed.
            var announced = _announcements.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            if (await _leases.TryAcquireAsync(LeaseName(key), instance.Id, _options.RefreshLease, cancellationToken) is { } lease)
            {
                var turn = new Turn(this, key, lease);
                if (!await doneElsewhere()) return turn;
                await turn.DisposeAsync();
                return null;
            }
            await Task.WhenAny(announced, Task.Delay(wait, _time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (await doneElsewhere()) return null;
        }
    }

    /// <summary>Tells every instance that the stored value of <paramref name="key"/> is new.</summary>
    public async Task AnnounceAsync(CredentialKey key)
    {
        try
        {
            await notifications.PublishAsync(Channel, $"{instance.Id} {key.Appid} {key.Kind}");
        }
        catch (Exception e)
        {
            LogAnnounceFailed(e, key);
        }
    }

    private void Wake(CredentialKey key)
    {
        if (_announcements.TryRemove(key, out var waiting)) waiting.TrySetResult();
    }

    private static string LeaseName(CredentialKey key) => $"refresh/{key}";

    private static bool TryParse(string payload, out string holder, out CredentialKey key)
    {
        var parts = payload.Split(' ');
        holder = parts[0];
        key = default;
        if (parts.Length != 3 || !Enum.TryParse<CredentialKind>(parts[2], out var kind)) return false;
        key = new CredentialKey(parts[1], kind);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce the new {Key} to the other instances; they reload it when their copy runs low.")]
    private partial void LogAnnounceFailed(Exception exception, CredentialKey key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the refresh lease of {Key} while refreshing it (the store was unreachable or the lease lapsed).")]
    private partial void LogLeaseLost(CredentialKey key);

    /// <summary>This instance's refresh of one credential: the lease is renewed until the turn is disposed, then released.</summary>
    public sealed class Turn : IAsyncDisposable
    {
        private readonly ClusterRefresh _owner;
        private readonly CredentialKey _key;
        private readonly CancellationTokenSource _done = new();
        private readonly Task _keepAlive;
        private Lease _lease;

        internal Turn(ClusterRefresh owner, CredentialKey key, Lease lease)
        {
            _owner = owner;
            _key = key;
            _lease = lease;
            _keepAlive = KeepAliveAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _done.CancelAsync();
            await _keepAlive;
            _done.Dispose();
            try
            {
                await _owner._leases.ReleaseAsync(_lease);
            }
            catch (Exception)
            {
                // Unreleased, it lapses by itself: another instance waits at most one lease time.
            }
        }

        private async Task KeepAliveAsync()
        {
            var ttl = _owner._options.RefreshLease;
            try
            {
                while (true)
                {
                    await Task.Delay(ttl / 3, _owner._time, _done.Token);
                    if (await _owner._leases.RenewAsync(_lease, ttl, _done.Token) is not { } renewed) break;
                    _lease = renewed;
                }
            }
            catch (OperationCanceledException) when (_done.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The store is unreachable: the lease lapses, and the refresh stores its result if it can.
            }
            _owner.LogLeaseLost(_key);
        }
    }
}
