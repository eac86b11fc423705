using Microsoft.Data.Sqlite;

namespace WxHub.Core.Storage.Sqlite;

/// <summary>
/// The embedded store's file (<c>&lt;data&gt;/wxhub.db</c>): opens connections and migrates the schema. WAL journal with
/// synchronous=FULL, so a write is on disk when its command returns.
/// </summary>
public sealed class SqliteDatabase
{
    public const string FileName = "wxhub.db";

    private readonly string _connectionString;

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
        Migrate();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private void Migrate()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL); SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var current = Convert.ToInt32(command.ExecuteScalar());
        for (var version = current + 1; version <= SqliteSchema.Migrations.Count; version++)
        {
            command.CommandText = SqliteSchema.Migrations[version - 1] + $"; INSERT INTO schema_version (version) VALUES ({version});";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
