using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using WxHub.Core.Coordination;
using WxHub.Core.Storage.Postgres;
using WxHub.Testing;

namespace WxHub.Core.Tests;

/// <summary>What every change notifier does; <see cref="OpenAsync"/> gives two instances (the same one in-process).</summary>
public abstract class ChangeNotificationContract : IAsyncLifetime
{
    protected IChangeNotifications Publisher { get; private set; } = null!;
    protected IChangeNotifications Subscriber { get; private set; } = null!;

    protected abstract Task<(IChangeNotifications Publisher, IChangeNotifications Subscriber)> OpenAsync();

    public virtual async Task InitializeAsync() => (Publisher, Subscriber) = await OpenAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Subscribers_hear_what_is_published_on_their_channel_only()
    {
        var tokens = new Heard();
        var tickets = new Heard();
        using var a = await Subscriber.SubscribeAsync("credentials", tokens.Add);
        using var b = await Subscriber.SubscribeAsync("tickets", tickets.Add);

        await Publisher.PublishAsync("credentials", "wx1/AccessToken");
        await Publisher.PublishAsync("credentials", "wx2/AccessToken");
        await Publisher.PublishAsync("tickets", "wx1/JsapiTicket");

        await tokens.WaitFor("wx1/AccessToken", "wx2/AccessToken");
        await tickets.WaitFor("wx1/JsapiTicket");
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        var gone = new Heard();
        var staying = new Heard();
        var subscription = await Subscriber.SubscribeAsync("apps", gone.Add);
        using var other = await Subscriber.SubscribeAsync("apps", staying.Add);
        await Publisher.PublishAsync("apps", "first");
        await gone.WaitFor("first");

        subscription.Dispose();
        await Publisher.PublishAsync("apps", "second");
        // Notifications arrive in publishing order, so once "second" reached the other subscriber it would have reached this one.
        await staying.WaitFor("first", "second");
        Assert.Equal(["first"], gone.Items);
    }

    [Fact]
    public async Task A_failing_handler_does_not_stop_the_others()
    {
        var heard = new Heard();
        using var failing = await Subscriber.SubscribeAsync("apps", _ => throw new InvalidOperationException("handler bug"));
        using var working = await Subscriber.SubscribeAsync("apps", heard.Add);
        await Publisher.PublishAsync("apps", "one");
        await Publisher.PublishAsync("apps", "two");
        await heard.WaitFor("one", "two");
    }

    [Fact]
    public async Task Channels_with_line_breaks_and_oversized_payloads_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Publisher.PublishAsync("a\nb", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => Publisher.PublishAsync("apps", new string('x', ChangeMessage.MaxBytes)));
        await Assert.ThrowsAsync<ArgumentException>(() => Subscriber.SubscribeAsync("", _ => { }));
    }

    /// <summary>What one subscriber heard, in order; null stands for "may have missed some".</summary>
    protected sealed class Heard
    {
        private readonly ConcurrentQueue<string?> _items = new();

        public IReadOnlyList<string?> Items => [.. _items];

        public void Add(string? payload) => _items.Enqueue(payload);

        public Task WaitFor(params string?[] expected) =>
            Eventually.True(() => Items.SequenceEqual(expected), $"heard [{string.Join(", ", expected)}], not [{string.Join(", ", Items)}]");
    }
}

public sealed class InProcessChangeNotificationTests : ChangeNotificationContract
{
    protected override Task<(IChangeNotifications Publisher, IChangeNotifications Subscriber)> OpenAsync()
    {
        var notifications = new InProcessChangeNotifications(NullLogger<InProcessChangeNotifications>.Instance);
        return Task.FromResult<(IChangeNotifications, IChangeNotifications)>((notifications, notifications));
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Two instances: each its own connection pool and LISTEN connection on one database.</summary>
public sealed class PostgresChangeNotificationTests : ChangeNotificationContract
{
    private readonly ManualTimeProvider _clock = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private TestDatabase _database = null!;

    protected override async Task<(IChangeNotifications Publisher, IChangeNotifications Subscriber)> OpenAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync();
        return (Instance(), Instance());
    }

    private PostgresChangeNotifications Instance()
    {
        var database = new PostgresDatabase(_database.ConnectionString);
        var notifications = new PostgresChangeNotifications(database, _clock, NullLogger<PostgresChangeNotifications>.Instance);
        _owned.Add(notifications);
        _owned.Add(database);
        return notifications;
    }

    public override async Task DisposeAsync()
    {
        foreach (var owned in _owned) await owned.DisposeAsync();
    }

    [Fact]
    public async Task Every_instance_hears_a_change_including_the_one_that_made_it()
    {
        var there = new Heard();
        var here = new Heard();
        using var a = await Subscriber.SubscribeAsync("credentials", there.Add);
        using var b = await Publisher.SubscribeAsync("credentials", here.Add);
        await Publisher.PublishAsync("credentials", "wx1/AccessToken");
        await there.WaitFor("wx1/AccessToken");
        await here.WaitFor("wx1/AccessToken");
    }

    [Fact]
    public async Task After_a_lost_connection_subscribers_are_told_they_may_have_missed_changes_and_hear_again()
    {
        var heard = new Heard();
        using var subscription = await Subscriber.SubscribeAsync("credentials", heard.Add);
        await Publisher.PublishAsync("credentials", "before");
        await heard.WaitFor("before");

        await _database.DropConnectionsAsync();
        // The listener retries after a back-off on the instance's clock.
        await Eventually.True(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            return heard.Items.Count == 2;
        }, "the listener came back");
        Assert.Null(heard.Items[1]);

        await Publisher.PublishAsync("credentials", "after");
        await heard.WaitFor("before", null, "after");
    }
}
