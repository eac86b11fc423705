using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sqlite;
using WxHub.Testing;

namespace WxHub.Core.Tests;

/// <summary>
/// The files of an embedded store for the contract suites: a fresh folder, its database and a protector under one
/// master key. <see cref="Reopen"/> is a second view of the same files, as after a restart.
/// </summary>
public sealed class SqliteFolder : IDisposable
{
    private readonly TempDirectory _data;
    private readonly byte[] _masterKey;

    public SqliteFolder() : this(new TempDirectory(), RandomNumberGenerator.GetBytes(MasterKey.Size)) { }

    private SqliteFolder(TempDirectory data, byte[] masterKey)
    {
        _data = data;
        _masterKey = masterKey;
        Database = new SqliteDatabase(data.Path);
        Protector = new SecretProtector(masterKey);
    }

    public string Path => _data.Path;
    public SqliteDatabase Database { get; }
    public SecretProtector Protector { get; }

    public SqliteFolder Reopen() => new(_data, _masterKey);

    /// <summary>Every byte of the database and its write-ahead log, as a grep for secrets sees them.</summary>
    public byte[] FileBytes()
    {
        SqliteConnection.ClearAllPools();
        return Directory.GetFiles(_data.Path, SqliteDatabase.FileName + "*").SelectMany(File.ReadAllBytes).ToArray();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
