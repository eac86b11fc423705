using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>WeChat retries a push it got no answer to; each retry is answered from the first attempt, never delivered again.</summary>
public sealed class DeduplicationTests : IAsyncLifetime
{
    private const string Appid = "wxdedup0000000001";
    private MessageServerHarness _hub = null!;
    private SubscriberServer _sync = null!;
    private FakeWeChat _wechat = null!;

    public async Task InitializeAsync()
    {
        _hub = await MessageServerHarness.StartAsync();
        _sync = await SubscriberServer.StartAsync();
        _wechat = await _hub.RegisterAppAsync(Appid, EncodingAesKey.Generate());
        await _hub.SubscribeAsync(Appid, _sync.Url, "sync");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _sync.DisposeAsync();
    }

    [Fact]
    public async Task A_slow_subscriber_that_makes_wechat_retry_gets_the_message_exactly_once()
    {
        var release = new TaskCompletionSource();
        _sync.Respond = async _ =>
        {
            await release.Task;
            return SubscriberServer.Reply(new { type = "text", content = "late" });
        };

        // WeChat's first attempt hangs on the subscriber; WeChat gives up on it and retries the same MsgId.
        var first = _wechat.PushAsync(FakeWeChat.Text(8001, "slow"), PushMode.Safe);
        await Eventually.True(() => _sync.Received.Count == 1, "the subscriber is working on the first attempt");
        var retry = _wechat.PushAsync(FakeWeChat.Text(8001, "slow"), PushMode.Safe);
        await Eventually.True(() => _hub.Count("duplicate") == 1, "the retry is recognised while the first attempt runs");

        // The budget runs out: both attempts are acknowledged (no reply), so WeChat stops retrying.
        _hub.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await _wechat.ReplyAsync(await first, PushMode.Safe));
        Assert.Null(await _wechat.ReplyAsync(await retry, PushMode.Safe));

        // The subscriber finishes late; its one delivery is acknowledged and nothing is sent again, ever.
        release.SetResult();
        await Eventually.True(async () => (await _hub.GetArrayAsync($"/v1/admin/apps/{Appid}/outbox?state=delivered")).Count == 1, "the delivery is recorded");
        _hub.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(8001, "slow"), PushMode.Safe), PushMode.Safe));

        Assert.Single(_sync.Received);
        var callback = Assert.Single(await _hub.SettledCallbacksAsync(Appid))!;
        Assert.Equal("deferred", callback["outcome"]!.GetValue<string>());
        Assert.Equal(2, callback["duplicates"]!.GetValue<int>());
        Assert.Equal(1, _hub.Count("accepted"));
        Assert.Equal(2, _hub.Count("duplicate"));
    }

    [Fact]
    public async Task A_retry_after_a_reply_gets_the_same_passive_reply_and_no_second_delivery()
    {
        var answers = 0;
        _sync.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = $"answer {Interlocked.Increment(ref answers)}" }));

        var first = await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(8101, "hi"), PushMode.Safe), PushMode.Safe);
        var retry = await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(8101, "hi"), PushMode.Safe), PushMode.Safe);

        Assert.Equal("answer 1", WeChatXml.ReadFields(first).Value!["Content"]);
        Assert.Equal(first, retry);
        Assert.Single(_sync.Received);
    }

    [Fact]
    public async Task Events_without_a_msgid_are_recognised_by_sender_time_and_event()
    {
        await _wechat.PushAsync(FakeWeChat.Event("subscribe", createTime: 1_767_225_601), PushMode.Safe);
        await _wechat.PushAsync(FakeWeChat.Event("subscribe", createTime: 1_767_225_601), PushMode.Safe);
        await _wechat.PushAsync(FakeWeChat.Event("unsubscribe", createTime: 1_767_225_601), PushMode.Safe);
        await _wechat.PushAsync(FakeWeChat.Event("subscribe", from: "oOTHER", createTime: 1_767_225_601), PushMode.Safe);

        Assert.Equal(3, _sync.Received.Count);
        Assert.Equal(1, _hub.Count("duplicate"));
    }

    [Fact]
    public async Task Many_concurrent_retries_of_one_message_make_one_delivery()
    {
        _sync.Respond = _ => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "once" }));

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            await _wechat.ReplyAsync(await _wechat.PushAsync(FakeWeChat.Text(8201, "burst"), PushMode.Safe), PushMode.Safe)));

        Assert.Single(_sync.Received);
        Assert.All(replies, reply => Assert.Equal("once", WeChatXml.ReadFields(reply).Value!["Content"]));
    }
}
