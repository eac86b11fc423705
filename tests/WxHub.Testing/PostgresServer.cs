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

    private static async Task<string> FindOrStartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;

        var root = RepositoryRoot();
        var folder = Path.Combine(Path.GetTempPath(), "wxhub-pg-" + Guid.NewGuid().ToString("N"));
        // The script also stops the server once this process is gone, should it end without ProcessExit.
        var (exit, output, errors) = await RunScriptAsync(root, "start", folder, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (exit == 3)
            throw new InvalidOperationException(
                $"These tests need PostgreSQL and it is not installed. Run ./test.sh (it installs PostgreSQL from Debian's packages and starts a throwaway server), or set {Variable} to a server's connection string. {errors.Trim()}");
        if (exit != 0)
            throw new InvalidOperationException($"Could not start a throwaway PostgreSQL server with {Script} (exit {exit}): {errors.Trim()}");

        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunScriptAsync(root, "stop", folder).GetAwaiter().GetResult();
        return output.Trim();
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
