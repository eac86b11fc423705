using Microsoft.Data.Sqlite;
using System.Text;
using WxHub.Core.Access;
using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.Secrets;
using WxHub.Core.Storage.Sql;
using WxHub.Core.Storage.Sqlite;
using WxHub.Testing;

namespace WxHub.Core.Tests;

public sealed class SqliteStoreTests : StoreContract
{
    private readonly TempDirectory _data = new();

    protected override Task CreateStorageAsync() => Task.CompletedTask;

    protected override bool Clustered => false;

    protected override SqlDatabase OpenDatabase() => new SqliteDatabase(_data.Path);

    protected override Task DeleteStorageAsync()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_file_holds_no_secret_or_token_in_the_clear()
    {
        var secrets = await StoreSecretsAsync();
        SqliteConnection.ClearAllPools();
        AssertHoldsNone([.. Directory.GetFiles(_data.Path, SqliteDatabase.FileName + "*").SelectMany(File.ReadAllBytes)], secrets);
    }

    [Fact]
    public async Task A_failing_write_is_rolled_back_alone_and_the_others_in_its_group_commit()
    {
        await Apps.AddAsync(App("wx-group"));
        var writes = Enumerable.Range(0, 20).Select(i => i % 5 == 0
            ? Database.WriteAsync(async transaction =>
            {
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO callbacks (id) VALUES ('broken')";
                return await command.ExecuteNonQueryAsync() == 1;
            })
            : Callbacks.AcceptAsync(Callback("wx-group", $"{i}", id: $"cb_{i}"), [])).ToList();

        foreach (var (write, i) in writes.Select((w, i) => (w, i)))
        {
            if (i % 5 == 0) await Assert.ThrowsAsync<SqliteException>(() => write);
            else Assert.True(await write);
        }
        Assert.Equal(16, (await Callbacks.ListAsync("wx-group", 100)).Count);
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
