using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxHub.Core.MiniProgram;

namespace WxHub.Core.OAuth;

/// <summary>
/// Drops expired authorizations, sign-in codes, used-code records and Mini Program sessions every few minutes. A round
/// the store fails is skipped: an exception escaping a background service would stop the whole server.
/// </summary>
public sealed partial class LoginHousekeeping(
    IOAuthStore oauth, IMiniProgramSessionStore sessions, IOptions<OAuthOptions> options, TimeProvider time, ILogger<LoginHousekeeping> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    await oauth.PurgeAsync(now, now - options.Value.UsedCodeMemory, stoppingToken);
                    await sessions.PurgeAsync(now, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPurgeFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropping expired logins failed; trying again at the next round")]
    private partial void LogPurgeFailed(Exception exception);
}
