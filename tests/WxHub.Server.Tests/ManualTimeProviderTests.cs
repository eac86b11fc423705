using WxHub.Testing;

namespace WxHub.Server.Tests;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public async Task Delay_completes_only_when_the_clock_reaches_it()
    {
        var clock = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Periodic_timer_fires_once_per_period_at_its_own_due_time()
    {
        var clock = new ManualTimeProvider();
        var seen = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => seen.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(35));

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([start.AddSeconds(10), start.AddSeconds(20), start.AddSeconds(30)], seen);
        Assert.Equal(start.AddSeconds(35), clock.GetUtcNow());
    }
}
