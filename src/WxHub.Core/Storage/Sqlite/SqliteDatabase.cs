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

    public override async ValueTask DisposeAsync()
    {
        if (_writes.IsValueCreated) await _writes.Value.DisposeAsync();
    }

    /// <summary>Nothing to do: the migration's transaction is IMMEDIATE, which already excludes other writers.</summary>
    protected override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
}
