using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WxHub.Core.MiniProgram;

namespace WxHub.Core.OAuth;

/// <summary>Drops expired authorizations, sign-in codes, used-code records and Mini Program sessions every few minutes.</summary>
public sealed class LoginHousekeeping(IOAuthStore oauth, IMiniProgramSessionStore sessions, IOptions<OAuthOptions> options, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                await oauth.PurgeAsync(now, now - options.Value.UsedCodeMemory, stoppingToken);
                await sessions.PurgeAsync(now, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
