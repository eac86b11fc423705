using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace WxHub.Core.Storage.Sqlite;

/// <summary>
/// Group commit for busy write paths. With synchronous=FULL every commit waits for the disk (milliseconds), so writers
/// queue their work here and one connection runs everything queued so far in a single transaction: N concurrent
/// writers pay one flush, and none of them fight over SQLite's write lock. Each piece of work runs inside its own
/// savepoint, so a failing one is rolled back and reported alone. A task completes only after its transaction has
/// committed, i.e. once the write is on disk.
/// </summary>
public sealed class SqliteWriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly SqliteDatabase _database;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteWriteQueue(SqliteDatabase database)
    {
        _database = database;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next group transaction and returns its result once committed. Queued work is
    /// not cancellable: it shares a transaction with other callers' work.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> work)
    {
        var item = new Work<T>(work);
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(SqliteWriteQueue));
        return item.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteAsync()
    {
        await using var connection = await _database.OpenAsync();
        var batch = new List<Work>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            await CommitAsync(connection, batch);
            batch.Clear();
        }
    }

    private static async Task CommitAsync(SqliteConnection connection, List<Work> batch)
    {
        var done = new List<Work>(batch.Count);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var work in batch)
            {
                await transaction.SaveAsync("work");
                try
                {
                    await work.RunAsync(transaction);
                    await transaction.ReleaseAsync("work");
                    done.Add(work);
                }
                catch (Exception e)
                {
                    await transaction.RollbackAsync("work");
                    await transaction.ReleaseAsync("work");
                    work.Fail(e);
                }
            }
            await transaction.CommitAsync();
        }
        catch (Exception e)
        {
            // The transaction is lost: whatever had not failed on its own fails with it.
            foreach (var work in batch) work.Fail(e);
            return;
        }
        foreach (var work in done) work.Complete();
    }

    private abstract class Work
    {
        public abstract Task RunAsync(SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Work<T>(Func<SqliteTransaction, Task<T>> work) : Work
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(SqliteTransaction transaction) => _result = await work(transaction);

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
