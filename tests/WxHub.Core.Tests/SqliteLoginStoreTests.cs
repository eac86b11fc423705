using WxHub.Core.Identity;
using WxHub.Core.MiniProgram;
using WxHub.Core.OAuth;
using WxHub.Core.Storage.Sqlite;

namespace WxHub.Core.Tests;

public sealed class SqliteLoginStoreTests : LoginStoreContract, IDisposable
{
    private readonly SqliteFolder _files;

    public SqliteLoginStoreTests() : this(new SqliteFolder()) { }

    private SqliteLoginStoreTests(SqliteFolder files) => _files = files;

    protected override IOAuthStore OAuth => new SqliteOAuthStore(_files.Database);
    protected override IOAuthGrantStore Grants => new SqliteOAuthGrantStore(_files.Database, _files.Protector);
    protected override IMiniProgramSessionStore Sessions => new SqliteMiniProgramSessionStore(_files.Database, _files.Protector);
    protected override IUserDirectoryStore Directory => new SqliteUserDirectoryStore(_files.Database);
    protected override IBackfillStore Backfills => new SqliteBackfillStore(_files.Database);

    protected override LoginStoreContract Reopen() => new SqliteLoginStoreTests(_files.Reopen());

    [Fact]
    public async Task Session_keys_and_oauth_tokens_are_not_in_the_database_file_in_clear()
    {
        await Sessions.AddAsync(new MiniProgramSession("s1", "wxM", "o", null, "c2Vzc2lvbi1rZXktc2VjcmV0", T0, T0.AddDays(1)));
        await Grants.SaveAsync(new OAuthGrant("wxA", "o", null, "snsapi_base", "oauth-access-secret", T0.AddHours(2), "oauth-refresh-secret", T0.AddDays(30)));
        var bytes = System.Text.Encoding.Latin1.GetString(_files.FileBytes());
        Assert.DoesNotContain("c2Vzc2lvbi1rZXktc2VjcmV0", bytes);
        Assert.DoesNotContain("oauth-access-secret", bytes);
        Assert.DoesNotContain("oauth-refresh-secret", bytes);
    }

    public void Dispose() => _files.Dispose();
}
