using System.Runtime.CompilerServices;
using System.Text.Json;
using WxHub.Core.Credentials;

namespace WxHub.Server.Business;

/// <summary>
/// The JSON answer of a token read, kept beside the credential it shows: it changes only when the value does or when
/// <c>expires_in</c> ticks, so readers share one rendering per credential and second instead of serializing on every
/// read. The renderings live as long as their credential (a weak table), so a replaced token's answer goes with it.
/// </summary>
internal static class AccessTokenAnswers
{
    public const string ContentType = "application/json; charset=utf-8";

    private static readonly ConditionalWeakTable<StoredCredential, Rendering> Renderings = new();

    /// <param name="secondsLeft">The answer's <c>expires_in</c>, from the caller's clock.</param>
    public static byte[] Of(StoredCredential credential, long secondsLeft)
    {
        var rendering = Renderings.GetValue(credential, static _ => new Rendering());
        if (rendering.Latest is { } latest && latest.SecondsLeft == secondsLeft) return latest.Json;
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new AccessTokenView(credential.Key.Appid, credential.Value, WireNames.Time(credential.ExpiresAt)!, secondsLeft),
            BusinessJsonContext.Default.AccessTokenView);
        rendering.Latest = new Rendered(secondsLeft, json);
        return json;
    }

    private sealed class Rendering
    {
        public volatile Rendered? Latest;
    }

    private sealed record Rendered(long SecondsLeft, byte[] Json);
}
