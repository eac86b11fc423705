using System.Data.Common;

namespace WxHub.Core.Storage.Sql;

/// <summary>Commands with <c>@name</c> parameters, and the column conversions every store shares.</summary>
internal static class SqlCommands
{
    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A command that runs inside <paramref name="transaction"/>.</summary>
    public static DbCommand Command(this DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = transaction.Connection!.Command(sql, parameters);
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, committed when it returns normally.</summary>
    public static Task<T> TransactAsync<T>(this SqlDatabase database, Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);

    public static async Task<List<T>> ReadAllAsync<T>(this DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(map(reader));
        return rows;
    }

    public static Task<int> ExecuteAsync(this SqlDatabase database, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.RunAsync(async connection =>
        {
            await using var command = connection.Command(sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public static Task<List<T>> QueryAsync<T>(this SqlDatabase database, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.RunAsync(async connection =>
        {
            await using var command = connection.Command(sql, parameters);
            return await command.ReadAllAsync(map, cancellationToken);
        }, cancellationToken);

    /// <summary>Runs the statements in one transaction, in order; returns the rows the last one changed.</summary>
    public static Task<int> ExecuteInTransactionAsync(this SqlDatabase database, IEnumerable<string> statements, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.TransactAsync(async transaction =>
        {
            var changed = 0;
            foreach (var sql in statements)
            {
                await using var command = transaction.Command(sql, parameters);
                changed = await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return changed;
        }, cancellationToken);

    /// <summary>One statement through <see cref="SqlDatabase.WriteAsync{T}"/>; returns the rows it changed.</summary>
    public static Task<int> WriteAsync(this SqlDatabase database, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(transaction => transaction.ExecuteAsync(sql, parameters), cancellationToken);

    /// <summary>
    /// One statement of a <see cref="SqlDatabase.WriteAsync{T}"/> transaction, not cancellable (the transaction may be
    /// shared with other writers); returns the rows it changed.
    /// </summary>
    public static async Task<int> ExecuteAsync(this DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = transaction.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>One statement with RETURNING through <see cref="SqlDatabase.WriteAsync{T}"/>.</summary>
    public static Task<List<T>> WriteReturningAsync<T>(this SqlDatabase database, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(async transaction =>
        {
            await using var command = transaction.Command(sql, parameters);
            return await command.ReadAllAsync(map, CancellationToken.None);
        }, cancellationToken);

    public static long ToUnixMs(this DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(this DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static byte[]? GetBlobOrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);
}
