using Microsoft.Extensions.Logging;
using Npgsql;
using WxHub.Core.Coordination;
using WxHub.Core.Storage.Sql;

namespace WxHub.Core.Storage.Postgres;

/// <summary>
/// Change notifications across instances through PostgreSQL's LISTEN/NOTIFY on one channel, <see cref="PgChannel"/>;
/// WxHub's own channel travels in the payload. One connection per instance listens, opened on the first subscription
/// and reopened with back-off whenever it breaks; subscribers are then told that they may have missed notifications.
/// </summary>
public sealed partial class PostgresChangeNotifications : IChangeNotifications, IAsyncDisposable
{
    public const string PgChannel = "wxhub_changes";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    /// <summary>How long the listener waits for a notification before checking that its connection still answers.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresChangeNotifications> _logger;
    private readonly ChangeSubscribers _subscribers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Task? _listener;

    public PostgresChangeNotifications(PostgresDatabase database, TimeProvider time, ILogger<PostgresChangeNotifications> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        _subscribers = new ChangeSubscribers(logger);
    }

    public Task PublishAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        ChangeMessage.Validate(channel, payload);
        return _database.ExecuteAsync("SELECT pg_notify(@channel, @payload)", cancellationToken,
            ("@channel", PgChannel), ("@payload", ChangeMessage.Encode(channel, payload)));
    }

    public async Task<IDisposable> SubscribeAsync(string channel, Action<string?> handler, CancellationToken cancellationToken = default)
    {
        ChangeMessage.Validate(channel, "");
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var subscription = _subscribers.Add(channel, handler);
        lock (_gate) _listener ??= Task.Run(ListenAsync, CancellationToken.None);
        await _firstAttempt.Task.WaitAsync(cancellationToken);
        return subscription;
    }

    private async Task ListenAsync()
    {
        var stopping = _stopping.Token;
        var retry = FirstRetry;
        var broken = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.DataSource.OpenConnectionAsync(stopping);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {PgChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stopping);
                if (broken)
                {
                    LogListening();
                    _subscribers.DeliverMissedToAll();
                }
                broken = false;
                retry = FirstRetry;
                _firstAttempt.TrySetResult();
                while (true)
                {
                    if (await connection.WaitAsync(Heartbeat, stopping)) continue;
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteNonQueryAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                if (!broken) LogListenerLost(e.Message);
                broken = true;
                // Subscribers do not wait for an unreachable database; they hear null once it is back.
                _firstAttempt.TrySetResult();
            }

            try
            {
                await Task.Delay(retry, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PgChannel && ChangeMessage.TryDecode(e.Payload, out var channel, out var payload))
            _subscribers.Deliver(channel, payload);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task? listener;
        lock (_gate) listener = _listener;
        if (listener is not null) await listener;
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL LISTEN connection ({Problem}); other instances' changes are not heard until it is back.")]
    private partial void LogListenerLost(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening to PostgreSQL change notifications again; caches are dropped for what may have been missed.")]
    private partial void LogListening();
}
