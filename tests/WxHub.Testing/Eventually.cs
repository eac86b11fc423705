namespace WxHub.Testing;

/// <summary>
/// Waits for a condition that background work makes true after a test's action (for example after
/// <see cref="ManualTimeProvider.Advance"/> fired a timer). It polls; it never waits for time to pass.
/// </summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        using var cts = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException($"Still not true: {what}");
            await Task.Yield();
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public static Task True(Func<bool> condition, string what, TimeSpan? limit = null) =>
        True(() => Task.FromResult(condition()), what, limit);
}
