using System.Data.Common;
using Microsoft.Data.Sqlite;
using WxHub.Core.Storage.Sql;

namespace WxHub.Core.Storage.Sqlite;

/// <summary>
/// The embedded store's file (<c>&lt;data&gt;/wxhub.db</c>). WAL journal with synchronous=FULL, so a write is on disk
/// when its command returns.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    public const string FileName = "wxhub.db";

    private const int ReadOnly = 8; // SQLITE_READONLY

    private readonly string _connectionString;
    private readonly Lazy<SqliteWriteQueue> _writes;

    public SqliteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // The journal mode is kept in the file; it cannot change inside a transaction, so it is set here, once.
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
        _writes = new Lazy<SqliteWriteQueue>(() => new SqliteWriteQueue(this));
    }

    public string Path { get; }

    public override string Kind => "SQLite";

    protected override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Through the group-commit queue: one transaction, so one flush, for every writer waiting.</summary>
    public override Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        _writes.Value.WriteAsync(work);

    /// <summary>
    /// SQLite opens a file it cannot write read-only, and a pooled connection opened so stays read-only after the disk
    /// takes writes again. Its refusal (SQLITE_READONLY) comes before anything is written: the pool is emptied and the
    /// work runs once more on a fresh connection.
    /// </summary>
    protected override bool WasSessionEndedBeforehand(DbException exception) => exception is SqliteException { SqliteErrorCode: ReadOnly };

    protected override void ForgetPooledConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>
    /// A file goes on answering reads after its disk stopped taking writes (remounted read-only, full, immutable), so
    /// readiness asks for a write, through the queue the stores write by: the header's user_version rewritten unchanged.
    /// </summary>
    protected override Task ProbeAsync(CancellationToken cancellationToken) =>
        WriteAsync(async transaction =>
        {
            await using var command = transaction.Command("PRAGMA user_version");
            var version = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA user_version = {version}";
            return await command.ExecuteNonQueryAsync();
        }).WaitAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (_writes.IsValueCreated) await _writes.Value.DisposeAsync();
    }

    /// <summary>Nothing to do: the migration's transaction is IMMEDIATE, which already excludes other writers.</summary>
    protected override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
}
