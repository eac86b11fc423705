using System.Security.Cryptography;
using WxHub.Core.Identity;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sqlite;
using WxHub.Testing;

namespace WxHub.Core.Tests;

public sealed class SqliteLoginStoreTests : LoginStoreContract, IDisposable
{
    private readonly TempDirectory _data;
    private readonly byte[] _masterKey;
    private readonly SqliteDatabase _database;
    private readonly SecretProtector _protector;

    public SqliteLoginStoreTests() : this(new TempDirectory(), RandomNumberGenerator.GetBytes(MasterKey.Size)) { }

    private SqliteLoginStoreTests(TempDirectory data, byte[] masterKey)
    {
        _data = data;
        _masterKey = masterKey;
        _database = new SqliteDatabase(data.Path);
        _protector = new SecretProtector(masterKey);
    }

    protected override IOAuthStore OAuth => new SqliteOAuthStore(_database);
    protected override IOAuthGrantStore Grants => new SqliteOAuthGrantStore(_database, _protector);
    protected override IMiniProgramSessionStore Sessions => new SqliteMiniProgramSessionStore(_database, _protector);
    protected override IUserDirectoryStore Directory => new SqliteUserDirectoryStore(_database);
    protected override IBackfillStore Backfills => new SqliteBackfillStore(_database);

    protected override LoginStoreContract Reopen() => new SqliteLoginStoreTests(_data, _masterKey);

    [Fact]
    public async Task Session_keys_and_oauth_tokens_are_not_in_the_database_file_in_clear()
    {
        await Sessions.AddAsync(new MiniProgramSession("s1", "wxM", "o", null, "c2Vzc2lvbi1rZXktc2VjcmV0", T0, T0.AddDays(1)));
        await Grants.SaveAsync(new OAuthGrant("wxA", "o", null, "snsapi_base", "oauth-access-secret", T0.AddHours(2), "oauth-refresh-secret", T0.AddDays(30)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = System.Text.Encoding.Latin1.GetString(await ReadAllAsync(_database.Path));
        Assert.DoesNotContain("c2Vzc2lvbi1rZXktc2VjcmV0", bytes);
        Assert.DoesNotContain("oauth-access-secret", bytes);
        Assert.DoesNotContain("oauth-refresh-secret", bytes);
    }

    private static async Task<byte[]> ReadAllAsync(string databasePath)
    {
        using var all = new MemoryStream();
        foreach (var path in new[] { databasePath, databasePath + "-wal" }.Where(File.Exists))
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            await file.CopyToAsync(all);
        }
        return all.ToArray();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
