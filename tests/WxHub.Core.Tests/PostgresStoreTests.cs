using WxHub.Core.Storage.Postgres;
using WxHub.Core.Storage.Sql;
using WxHub.Testing;

namespace WxHub.Core.Tests;

public sealed class PostgresStoreTests : StoreContract
{
    private TestDatabase? _database;

    protected override async Task CreateStorageAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    protected override bool Clustered => true;

    protected override SqlDatabase OpenDatabase() => new PostgresDatabase(_database!.ConnectionString);

    protected override Task DeleteStorageAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_unreachable_database_is_reported_and_recovers_by_itself()
    {
        await Apps.AddAsync(App("wx-outage"));
        await _database!.CutOffAsync();
        var down = await Database.CheckAsync();
        Assert.False(down.IsReachable);
        Assert.Contains("PostgreSQL", down.Problem);

        await _database.RestoreAsync();
        Assert.True((await Database.CheckAsync()).IsReachable);
        Assert.NotNull(await Apps.GetAsync("wx-outage"));
    }

    [Fact]
    public async Task Connections_the_server_ended_while_pooled_cost_no_failed_call()
    {
        await Apps.AddAsync(App("wx-restart"));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Apps.ListAsync()));
        await _database!.DropConnectionsAsync();
        Assert.NotNull(await Apps.GetAsync("wx-restart"));
        Assert.Equal(1, await Quotas.IncrementAsync("wx-restart", "/cgi-bin/token", new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_with_a_clear_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PostgresDatabase("Host=127.0.0.1;NoSuchKeyword=1"));
        Assert.Contains("WXHUB_CONNECTION", e.Message);
    }
}
