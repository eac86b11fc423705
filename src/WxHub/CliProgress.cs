using System.Globalization;
using Spectre.Console;

namespace WxHub.Cli;

/// <summary>
/// Progress of long work (a platform's sync, a follower backfill) on standard error, so standard output keeps only the
/// result: a live bar on a terminal, else a plain line at each tenth of the way (or each <see cref="LineEvery"/>
/// items while the total is unknown) for logs and scripts.
/// </summary>
internal static class CliProgress
{
    private const long LineEvery = 5_000;

    /// <param name="work">Does the work, telling the given callback how many items are done and of how many (null: not yet known).</param>
    public static async Task<T> RunAsync<T>(string what, Func<Action<long, long?>, Task<T>> work)
    {
        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(what), maxValue: 1);
                    task.IsIndeterminate = true;
                    var result = await work((done, total) =>
                    {
                        if (total is { } t)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = Math.Max(1, t);
                        }
                        task.Value = done;
                    });
                    task.StopTask();
                    return result;
                });
        }

        long lastStep = -1;
        return await work((done, total) =>
        {
            var step = total is > 0 ? done * 10 / total.Value : done / LineEvery;
            if (step == lastStep) return;
            lastStep = step;
            var of = total is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "?";
            Console.Error.WriteLine($"{what}: {done.ToString("N0", CultureInfo.InvariantCulture)} of {of}");
        });
    }
}
