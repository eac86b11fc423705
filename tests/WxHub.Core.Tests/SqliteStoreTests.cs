using System.Security.Cryptography;
using System.Text;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sqlite;

namespace WxHub.Core.Tests;

public sealed class SqliteStoreTests : StoreContract, IDisposable
{
    private readonly SqliteFolder _files;

    public SqliteStoreTests() : this(new SqliteFolder()) { }

    private SqliteStoreTests(SqliteFolder files) => _files = files;

    protected override IAppStore Apps => new SqliteAppStore(_files.Database, _files.Protector);
    protected override ICredentialStore Credentials => new SqliteCredentialStore(_files.Database, _files.Protector);
    protected override IRefreshEventStore Events => new SqliteRefreshEventStore(_files.Database);
    protected override IQuotaStore Quotas => new SqliteQuotaStore(_files.Database);
    protected override IApiKeyStore Keys => new SqliteApiKeyStore(_files.Database);

    protected override StoreContract Reopen() => new SqliteStoreTests(_files.Reopen());

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_database_file_holds_no_secret_or_token_in_the_clear()
    {
        const string secret = "0123456789abcdef0123456789abcdef";
        const string aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        const string token = "ACCESS_TOKEN_x7Q9-very-secret-token-value";
        await Apps.AddAsync(App("wx-grep", secret) with { EncodingAesKey = aesKey });
        await Credentials.SaveAsync(new StoredCredential(new CredentialKey("wx-grep", CredentialKind.AccessToken), token, T0, T0.AddHours(2)));
        var bytes = _files.FileBytes();
        Assert.NotEmpty(bytes);
        foreach (var needle in new[] { secret, aesKey, token })
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)));
        Assert.Equal(token, (await Credentials.GetAsync(new CredentialKey("wx-grep", CredentialKind.AccessToken)))!.Value);
    }

    [Fact]
    public async Task A_different_master_key_cannot_read_the_secrets()
    {
        await Apps.AddAsync(App("wx-mk"));
        var other = new SqliteAppStore(_files.Database, new SecretProtector(RandomNumberGenerator.GetBytes(MasterKey.Size)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => other.GetAsync("wx-mk"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_master_key_file_is_created_once_with_owner_only_permissions()
    {
        var first = MasterKey.Load(_files.Path, configured: null);
        var second = MasterKey.Load(_files.Path, configured: null);
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_files.Path, MasterKey.FileName)));
        Assert.Throws<InvalidOperationException>(() => MasterKey.Load(_files.Path, configured: "not-base64-of-32-bytes"));
    }
}
