using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.Messages;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sqlite;
using WxHub.Testing;

namespace WxHub.Core.Tests;

public sealed class SqliteStoreTests : StoreContract, IDisposable
{
    private readonly TempDirectory _data;
    private readonly byte[] _masterKey;
    private readonly SqliteDatabase _database;
    private readonly SecretProtector _protector;
    private readonly SqliteWriteQueue _writes;
    private readonly List<SqliteWriteQueue> _allWrites;

    public SqliteStoreTests() : this(new TempDirectory(), RandomNumberGenerator.GetBytes(MasterKey.Size), []) { }

    private SqliteStoreTests(TempDirectory data, byte[] masterKey, List<SqliteWriteQueue> allWrites)
    {
        _data = data;
        _masterKey = masterKey;
        _database = new SqliteDatabase(data.Path);
        _protector = new SecretProtector(masterKey);
        _writes = new SqliteWriteQueue(_database);
        _allWrites = allWrites;
        allWrites.Add(_writes);
    }

    protected override IAppStore Apps => new SqliteAppStore(_database, _protector);
    protected override ICredentialStore Credentials => new SqliteCredentialStore(_database, _writes, _protector);
    protected override IRefreshEventStore Events => new SqliteRefreshEventStore(_database, _writes);
    protected override IQuotaStore Quotas => new SqliteQuotaStore(_database, _writes);
    protected override IApiKeyStore Keys => new SqliteApiKeyStore(_database);
    protected override ISubscriberStore Subscribers => new SqliteSubscriberStore(_database, _protector);
    protected override ICallbackStore Callbacks => new SqliteCallbackStore(_database, _writes);
    protected override IOutboxStore Outbox => new SqliteOutboxStore(_database, _writes);

    protected override StoreContract Reopen() => new SqliteStoreTests(_data, _masterKey, _allWrites);

    public void Dispose()
    {
        foreach (var writes in _allWrites) writes.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task The_database_file_holds_no_secret_or_token_in_the_clear()
    {
        const string secret = "0123456789abcdef0123456789abcdef";
        const string aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        const string token = "ACCESS_TOKEN_x7Q9-very-secret-token-value";
        await Apps.AddAsync(App("wx-grep", secret) with { EncodingAesKey = aesKey });
        await Credentials.SaveAsync(new StoredCredential(new CredentialKey("wx-grep", CredentialKind.AccessToken), token, T0, T0.AddHours(2)));
        await Subscribers.AddAsync(Subscriber("wx-grep"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = Directory.GetFiles(_data.Path, SqliteDatabase.FileName + "*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(bytes);
        foreach (var needle in new[] { secret, aesKey, token, Subscriber("wx-grep").Secret })
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)));
        Assert.Equal(token, (await Credentials.GetAsync(new CredentialKey("wx-grep", CredentialKind.AccessToken)))!.Value);
    }

    [Fact]
    public async Task A_failing_write_is_rolled_back_alone_and_the_others_in_its_group_commit()
    {
        await Apps.AddAsync(App("wx-group"));
        var writes = Enumerable.Range(0, 20).Select(i => i % 5 == 0
            ? _writes.WriteAsync(async transaction =>
            {
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO callbacks (id) VALUES ('broken')";
                return await command.ExecuteNonQueryAsync() == 1;
            })
            : Callbacks.AcceptAsync(Callback("wx-group", $"{i}", id: $"cb_{i}"), [])).ToList();

        foreach (var (write, i) in writes.Select((w, i) => (w, i)))
        {
            if (i % 5 == 0) await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => write);
            else Assert.True(await write);
        }
        Assert.Equal(16, (await Callbacks.ListAsync("wx-group", 100)).Count);
    }

    [Fact]
    public async Task A_different_master_key_cannot_read_the_secrets()
    {
        await Apps.AddAsync(App("wx-mk"));
        var other = new SqliteAppStore(_database, new SecretProtector(RandomNumberGenerator.GetBytes(MasterKey.Size)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => other.GetAsync("wx-mk"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_master_key_file_is_created_once_with_owner_only_permissions()
    {
        var first = MasterKey.Load(_data.Path, configured: null);
        var second = MasterKey.Load(_data.Path, configured: null);
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data.Path, MasterKey.FileName)));
        Assert.Throws<InvalidOperationException>(() => MasterKey.Load(_data.Path, configured: "not-base64-of-32-bytes"));
    }
}
