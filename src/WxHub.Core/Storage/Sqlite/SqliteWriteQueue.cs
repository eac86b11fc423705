using System.Data.Common;
using System.Threading.Channels;

namespace WxHub.Core.Storage.Sqlite;

/// <summary>
/// Group commit for busy write paths. With synchronous=FULL every commit waits for the disk (milliseconds), so writers
/// queue their work here and one connection runs everything queued so far in a single transaction: N concurrent
/// writers pay one flush, and none of them fight over SQLite's write lock. A failing piece of work is rolled back and
/// reported alone. A task completes only after its transaction has committed, i.e. once the write is on disk. Owned by
/// <see cref="SqliteDatabase"/>, which sends <see cref="Sql.SqlDatabase.WriteAsync{T}"/> here.
/// </summary>
internal sealed class SqliteWriteQueue : IAsyncDisposable
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
    public Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work)
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

    /// <summary>
    /// The writer: one connection, opened when needed. A batch that cannot get one fails, and a batch with a failure
    /// leaves its connection behind, so a disk that stopped taking writes (or a file that could not be opened) fails
    /// the writes meanwhile and the writer carries on once it is back.
    /// </summary>
    private async Task WriteAsync()
    {
        DbConnection? connection = null;
        var batch = new List<Work>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
                try
                {
                    connection ??= await _database.OpenAsync();
                }
                catch (Exception e)
                {
                    foreach (var work in batch) work.Fail(e);
                    batch.Clear();
                    continue;
                }
                if (!await CommitAsync(connection, batch))
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
                batch.Clear();
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs the batch in one transaction. When any piece fails, the whole transaction is rolled back and each piece runs
    /// again in a transaction of its own, so only the failing one reports its error (failures are rare; savepoints
    /// around every piece would cost two statements each on the common path). False when any piece failed.
    /// </summary>
    private static async Task<bool> CommitAsync(DbConnection connection, List<Work> batch)
    {
        try
        {
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                foreach (var work in batch) await work.RunAsync(transaction);
                await transaction.CommitAsync();
            }
            foreach (var work in batch) work.Complete();
            return true;
        }
        catch (Exception e)
        {
            if (batch.Count == 1)
            {
                batch[0].Fail(e);
                return false;
            }
            foreach (var work in batch) await CommitAsync(connection, [work]);
            return false;
        }
    }

    private abstract class Work
    {
        public abstract Task RunAsync(DbTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Work<T>(Func<DbTransaction, Task<T>> work) : Work
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(DbTransaction transaction) => _result = await work(transaction);

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
