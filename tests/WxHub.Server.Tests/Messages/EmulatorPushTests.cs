using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WxHub.Protocol.Crypto;
using WxHub.Protocol.Messages;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>
/// The emulator, playing WeChat, pushes to the real WxHub over loopback: its 5-second timeout, its retries of the same
/// request, and its verification of replies (signature and decryption in the AES modes) all run against WxHub.
/// Both follow one manual clock.
/// </summary>
public sealed class EmulatorPushTests : IAsyncDisposable
{
    private const string Appid = "wxemulated0000001";
    private readonly EncodingAesKey _key = EncodingAesKey.Generate();
    private MessageServerHarness _hub = null!;
    private EmulatorHarness _wechat = null!;
    private SubscriberServer _sync = null!;
    private string _openId = null!;

    public async ValueTask DisposeAsync()
    {
        await _wechat.DisposeAsync();
        await _hub.DisposeAsync();
        await _sync.DisposeAsync();
    }

    [Fact]
    public async Task The_emulator_verifies_the_callback_url()
    {
        await StartAsync("safe");

        var result = await _wechat.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{Appid}/verify_url");

        Assert.Equal("verified", result.GetProperty("status").GetString());
        Assert.True(result.GetProperty("reply_valid").GetBoolean());
    }

    [Theory]
    [InlineData("plaintext")]
    [InlineData("compatible")]
    [InlineData("safe")]
    public async Task In_each_mode_the_emulator_accepts_the_passive_reply(string mode)
    {
        await StartAsync(mode);
        _sync.Respond = delivery => Task.FromResult(SubscriberServer.Reply(new { type = "text", content = "re: " + delivery.Message["fields"]!["Content"] }));

        var result = await PushTextAsync("ping");

        Assert.Equal("replied", result.GetProperty("status").GetString());
        Assert.True(result.GetProperty("reply_valid").GetBoolean(), result.ToString());
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal("re: ping", WeChatXml.ReadFields(result.GetProperty("reply").GetString()).Value!["Content"]);
        Assert.Equal(result.GetProperty("msg_id").GetInt64().ToString(), Assert.Single(_sync.Received).Message["msg_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task In_safe_mode_a_message_without_reply_is_acknowledged_as_the_emulator_requires()
    {
        await StartAsync("safe");

        var result = await PushTextAsync("no reply");

        Assert.Equal("acknowledged", result.GetProperty("status").GetString());
        Assert.True(result.GetProperty("reply_valid").GetBoolean());
    }

    [Fact]
    public async Task A_slow_subscriber_gets_one_delivery_and_wechat_no_reason_to_retry()
    {
        await StartAsync("safe");
        var release = new TaskCompletionSource();
        _sync.Respond = async _ =>
        {
            await release.Task;
            return Results.Ok();
        };

        var push = PushTextAsync("slow");
        await Eventually.True(() => _sync.Received.Count == 1, "the subscriber is working on it");
        _hub.Clock.Advance(TimeSpan.FromSeconds(4)); // WxHub's budget ends before WeChat's 5 s

        var result = await push;
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal("acknowledged", result.GetProperty("status").GetString());
        release.SetResult();
        await Eventually.True(async () => (await _hub.GetArrayAsync($"/v1/admin/apps/{Appid}/outbox?state=delivered")).Count == 1, "the late delivery is recorded");
        _hub.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Single(_sync.Received);
    }

    [Fact]
    public async Task When_the_budget_outlasts_wechats_timeout_its_retry_is_answered_from_the_first_attempt_and_not_delivered_again()
    {
        await StartAsync("safe", budget: "00:00:07");
        var release = new TaskCompletionSource();
        _sync.Respond = async _ =>
        {
            await release.Task;
            return SubscriberServer.Reply(new { type = "text", content = "too late" });
        };

        var push = PushTextAsync("slow");
        await Eventually.True(() => _sync.Received.Count == 1, "the subscriber is working on the first attempt");
        _hub.Clock.Advance(TimeSpan.FromSeconds(5)); // WeChat gives up on attempt 1 and sends attempt 2
        await Eventually.True(() => _hub.Count("duplicate") == 1, "the retry is recognised while the first attempt runs");
        _hub.Clock.Advance(TimeSpan.FromSeconds(2)); // the budget ends: both attempts are acknowledged

        var result = await push;
        Assert.Equal(2, result.GetProperty("attempts").GetInt32());
        Assert.Equal("acknowledged", result.GetProperty("status").GetString());
        release.SetResult();
        await Eventually.True(async () => (await _hub.GetArrayAsync($"/v1/admin/apps/{Appid}/outbox?state=delivered")).Count == 1, "the late delivery is recorded");
        Assert.Single(_sync.Received);
    }

    private async Task StartAsync(string mode, string? budget = null)
    {
        _hub = await MessageServerHarness.StartAsync(budget is null ? null : new Dictionary<string, string?> { ["Messages:SyncBudget"] = budget });
        _wechat = await EmulatorHarness.StartAsync(_hub.Clock);
        _sync = await SubscriberServer.StartAsync();
        await _hub.RegisterAppAsync(Appid, _key);
        await _hub.SubscribeAsync(Appid, _sync.Url, "sync");
        await _wechat.RegisterAppAsync(new
        {
            appid = Appid, secret = "0123456789abcdef0123456789abcdef", type = "official_account",
            callback_url = new Uri(_hub.Server.Address, $"/wechat/callback/{Appid}").ToString(),
            token = MessageServerHarness.Token, encoding_aes_key = _key.Value, mode,
        });
        var user = await _wechat.ControlAsync(HttpMethod.Post, "/__emulator/users", new { apps = new[] { Appid } });
        _openId = user.GetProperty("openids").GetProperty(Appid).GetString()!;
    }

    private Task<JsonElement> PushTextAsync(string content) =>
        _wechat.ControlAsync(HttpMethod.Post, $"/__emulator/apps/{Appid}/push", new { msg_type = "text", from = _openId, content });
}
