using System.Diagnostics;
using Npgsql;

namespace WxHub.Testing;

/// <summary>
/// The PostgreSQL server the tests use: the one ./test.sh started (its connection string in
/// <c>WXHUB_TEST_POSTGRES</c>), else a throwaway server this test process starts the same way, through
/// <c>tests/throwaway-postgres.sh</c>, and stops when it exits. Each test takes a database of its own, left for the
/// server's removal: dropping one costs PostgreSQL a checkpoint, about a second each with fsync on. So
/// <c>WXHUB_TEST_POSTGRES</c> must name a throwaway server.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "WXHUB_TEST_POSTGRES";

    private const string Script = "tests/throwaway-postgres.sh";

    private static readonly Lazy<Task<string>> Server = new(FindOrStartAsync);

    /// <summary>A new, empty database with a random name.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var server = await Server.Value;
        var name = "wxhub_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        return new TestDatabase(server, name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A throwaway server of the test's own, which it may stop and start again (an outage) without disturbing other
    /// tests: always started here, whatever <c>WXHUB_TEST_POSTGRES</c> says.
    /// </summary>
    public static async Task<PrivatePostgresServer> StartPrivateAsync()
    {
        var (folder, connectionString) = await StartThrowawayAsync();
        return new PrivatePostgresServer(folder, connectionString);
    }

    private static async Task<string> FindOrStartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;
        var (folder, connectionString) = await StartThrowawayAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync("stop", folder).GetAwaiter().GetResult();
        return connectionString;
    }

    private static async Task<(string Folder, string ConnectionString)> StartThrowawayAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "wxhub-pg-" + Guid.NewGuid().ToString("N"));
        // The script also stops the server once this process is gone, should it end without ProcessExit.
        var (exit, output, errors) = await RunScriptAsync(RepositoryRoot(), "start", folder, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (exit == 3)
            throw new InvalidOperationException(
                $"These tests need PostgreSQL and it is not installed. Run ./test.sh (it installs PostgreSQL from Debian's packages and starts a throwaway server), or set {Variable} to a server's connection string. {errors.Trim()}");
        if (exit != 0)
            throw new InvalidOperationException($"Could not start a throwaway PostgreSQL server with {Script} (exit {exit}): {errors.Trim()}");
        return (folder, output.Trim());
    }

    /// <summary>Runs <c>throwaway-postgres.sh</c> with a verb on a server's folder; throws when it fails.</summary>
    internal static async Task RunAsync(string verb, string folder)
    {
        var (exit, _, errors) = await RunScriptAsync(RepositoryRoot(), verb, folder);
        if (exit != 0) throw new InvalidOperationException($"{Script} {verb} failed (exit {exit}): {errors.Trim()}");
    }

    private static async Task<(int Exit, string Output, string Errors)> RunScriptAsync(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add(Path.Combine(root, Script));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, Script))) return folder.FullName;
        throw new InvalidOperationException($"Could not find {Script} above {AppContext.BaseDirectory}; run ./test.sh from the repository, or set {Variable}.");
    }
}

/// <summary>One test's database on <see cref="PostgresServer"/>.</summary>
public sealed class TestDatabase(string server, string name, string connectionString)
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Makes the database unreachable, as in an outage: new connections are refused and open ones cut.</summary>
    public async Task CutOffAsync()
    {
        await PostgresServer.ExecuteAsync(server, $"ALTER DATABASE {Name} ALLOW_CONNECTIONS false");
        await DropConnectionsAsync();
    }

    /// <summary>Cuts every open connection to the database, as a network failure or a server restart would.</summary>
    public Task DropConnectionsAsync() =>
        PostgresServer.ExecuteAsync(server, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'");

    /// <summary>Ends an outage begun with <see cref="CutOffAsync"/>.</summary>
    public Task RestoreAsync() => PostgresServer.ExecuteAsync(server, $"ALTER DATABASE {Name} ALLOW_CONNECTIONS true");
}

/// <summary>A throwaway PostgreSQL server one test owns: it can be stopped and started again on the same port.</summary>
public sealed class PrivatePostgresServer(string folder, string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>Stops the server (fast shutdown: connections are cut), as an outage would.</summary>
    public Task StopAsync() => PostgresServer.RunAsync("pause", folder);

    /// <summary>Starts it again where it was.</summary>
    public Task StartAsync() => PostgresServer.RunAsync("resume", folder);

    public async ValueTask DisposeAsync() => await PostgresServer.RunAsync("stop", folder);
}
