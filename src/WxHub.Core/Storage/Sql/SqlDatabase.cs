using System.Data.Common;

namespace WxHub.Core.Storage.Sql;

/// <summary>
/// A relational store (SQLite or PostgreSQL) as the shared <c>Sql*Store</c> classes see it: connections on which the
/// schema is current. The schema is migrated on first use rather than at construction, so a server that starts while
/// its database is unreachable comes up, reports not ready, and migrates once the database answers.
/// </summary>
/// <remarks>
/// The stores' SQL is written once for both databases: <c>@name</c> parameters, Unix-millisecond integer times,
/// secrets as byte strings, lists as JSON text, and statements both dialects accept (upserts name the table when
/// they read the existing row, since PostgreSQL finds a bare column ambiguous there).
/// </remarks>
public abstract class SqlDatabase : IStoreHealth, IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _migration = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Short name for messages, e.g. "SQLite".</summary>
    public abstract string Kind { get; }

    /// <summary>The schema's migrations, applied in order once each; migration N sets the schema version to N.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called first inside the migration transaction: holds off every other process migrating the same database until
    /// this transaction ends, so instances starting together migrate once.
    /// </summary>
    protected abstract Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>An open connection on a migrated schema; the caller disposes it.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            if (!_migrated) await MigrateOnceAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection. When the server had ended a pooled connection's session before
    /// the work began (it restarted, or an operator cut it), nothing ran: the pool is emptied of such connections and
    /// the work runs once more on a fresh one, so an outage that is over costs no failed call.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(cancellationToken);
                return await work(connection);
            }
            catch (DbException e) when (attempt == 1 && WasSessionEndedBeforehand(e))
            {
                ForgetPooledConnections();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and completes once that has committed, for busy write paths.
    /// SQLite groups concurrent writers into one transaction (one disk flush for all); PostgreSQL, which commits
    /// concurrent transactions well by itself, runs each in its own. Not cancellable once queued.
    /// </summary>
    public virtual Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        this.TransactAsync(work, cancellationToken);

    /// <summary>True when the error says the server ended the session before running anything on it.</summary>
    protected virtual bool WasSessionEndedBeforehand(DbException exception) => false;

    /// <summary>Closes idle pooled connections, all suspect once one was found ended.</summary>
    protected virtual void ForgetPooledConnections() { }

    public async Task<StoreHealth> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ProbeAsync(cancellationToken);
            return StoreHealth.Reachable;
        }
        catch (Exception e) when (e is DbException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return StoreHealth.Unreachable($"The {Kind} store does not answer: {e.Message}");
        }
    }

    /// <summary>What readiness asks of the store; throws when it cannot serve. A round trip by default.</summary>
    protected virtual Task ProbeAsync(CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken);
        }, cancellationToken);

    public abstract ValueTask DisposeAsync();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task MigrateOnceAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _migration.WaitAsync(cancellationToken);
        try
        {
            if (_migrated) return;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockSchemaAsync(connection, transaction, cancellationToken);
            await using var command = connection.Command("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL); SELECT COALESCE(MAX(version), 0) FROM schema_version");
            command.Transaction = transaction;
            var current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (current > Migrations.Count)
                throw new InvalidOperationException($"The {Kind} store's schema is at version {current}, newer than this WxHub knows ({Migrations.Count}); run the newer WxHub.");
            for (var version = current + 1; version <= Migrations.Count; version++)
            {
                command.CommandText = Migrations[version - 1] + $"; INSERT INTO schema_version (version) VALUES ({version})";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            _migrated = true;
        }
        finally
        {
            _migration.Release();
        }
    }
}
