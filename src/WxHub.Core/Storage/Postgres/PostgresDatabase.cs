using System.Data.Common;
using Npgsql;
using WxHub.Core.Storage.Sql;

namespace WxHub.Core.Storage.Postgres;

/// <summary>
/// A PostgreSQL database shared by every WxHub instance of a cluster, reached through one pooled
/// <see cref="NpgsqlDataSource"/>. Instances that start together migrate the schema once: the migration holds a
/// transaction-scoped advisory lock.
/// </summary>
public sealed class PostgresDatabase : SqlDatabase
{
    /// <summary>The advisory lock that serialises migrations ("WxHubSch" in ASCII); advisory locks are per database.</summary>
    private const long SchemaLockKey = 0x5778_4875_6253_6368;

    public PostgresDatabase(string connectionString)
    {
        try
        {
            DataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The PostgreSQL connection string (Connection, WXHUB_CONNECTION or --connection) is not valid: {e.Message}", e);
        }
    }

    /// <summary>The pool, also used for the long-lived LISTEN connection of <see cref="PostgresChangeNotifications"/>.</summary>
    internal NpgsqlDataSource DataSource { get; }

    public override string Kind => "PostgreSQL";

    protected override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT pg_advisory_xact_lock(@key)", ("@key", SchemaLockKey));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// admin_shutdown and crash_shutdown: the server ended the session (restart, failover, pg_terminate_backend) while
    /// the connection sat idle in the pool; PostgreSQL reports it on the next command, which it never ran.
    /// </summary>
    protected override bool WasSessionEndedBeforehand(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown };

    protected override void ForgetPooledConnections() => DataSource.Clear();

    public override ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
