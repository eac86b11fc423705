using WxHub.Core.Apps;
using WxHub.Core.Credentials;
using WxHub.Core.WeChat;

namespace WxHub.Core.Identity;

/// <summary>
/// Fills the directory with every follower of an Official Account: pages of <c>/cgi-bin/user/get</c> (10,000 openids),
/// each read through <c>/cgi-bin/user/info/batchget</c> 100 at a time. Progress is saved after every batch, so a run
/// that is stopped (or fails on WeChat's quota) resumes where it was; a finished one starts a fresh pass.
/// </summary>
public sealed class FollowerBackfill(
    IAppStore apps,
    IBackfillStore progressStore,
    WeChatIdentityClient wechat,
    AppTokenCalls tokenCalls,
    TimeProvider time)
{
    /// <param name="restart">Start from the first page even when an earlier run was interrupted.</param>
    /// <param name="report">Told after every batch.</param>
    public async Task<Outcome<BackfillProgress>> RunAsync(string appid, bool restart, Action<BackfillProgress>? report, CancellationToken cancellationToken)
    {
        var begun = await BeginAsync(appid, restart, cancellationToken);
        return begun.Succeeded ? await ContinueAsync(begun.Value, report, cancellationToken) : begun;
    }

    /// <summary>Checks the app and saves the run as started: fresh, or resuming an interrupted or failed one.</summary>
    public async Task<Outcome<BackfillProgress>> BeginAsync(string appid, bool restart, CancellationToken cancellationToken)
    {
        var app = await apps.GetAsync(appid, cancellationToken);
        if (app is null)
            return new Problem(ProblemKind.NotFound, "app_not_found", $"No app '{appid}' is registered. List apps with GET /v1/admin/apps.");
        if (app.Type != AppType.OfficialAccount)
            return new Problem(ProblemKind.Invalid, "wrong_app_type", $"App '{appid}' is a {AppAdministration.TypeName(app.Type)}; only Official Accounts have followers to backfill.");

        var now = time.GetUtcNow();
        var progress = await progressStore.GetAsync(appid, cancellationToken);
        progress = progress is null || restart || progress.State == BackfillState.Completed
            ? new BackfillProgress(appid, BackfillState.Running, null, 0, null, 0, now, now, null)
            : progress with { State = BackfillState.Running, Error = null, UpdatedAt = now };
        await progressStore.SaveAsync(progress, cancellationToken);
        return progress;
    }

    /// <summary>Works through the followers from where <paramref name="progress"/> stands, saving after every batch.</summary>
    public async Task<Outcome<BackfillProgress>> ContinueAsync(BackfillProgress progress, Action<BackfillProgress>? report, CancellationToken cancellationToken)
    {
        var appid = progress.Appid;
        report?.Invoke(progress);

        while (true)
        {
            var cursor = progress.PageCursor;
            var page = await tokenCalls.CallAsync(appid, (token, ct) => wechat.GetFollowersAsync(token, cursor, ct), cancellationToken);
            if (!page.Succeeded) return await FailAsync(progress, page.Problem, cancellationToken);
            var openids = page.Value.Openids;
            progress = progress with { Total = page.Value.Total };

            // The next batch is asked for while the current one is written: WeChat's latency and the commit overlap.
            Task<Outcome<IReadOnlyList<WeChatUser>>>? Fetch(int offset) => offset < openids.Count
                ? tokenCalls.CallAsync(appid, (token, ct) => wechat.BatchGetUserInfoAsync(token, Batch(openids, offset), ct), cancellationToken)
                : null;
            var fetching = Fetch(progress.PageOffset);
            while (fetching is not null)
            {
                var users = await fetching;
                if (!users.Succeeded) return await FailAsync(progress, users.Problem, cancellationToken);
                var offset = progress.PageOffset;
                var count = Math.Min(WeChatIdentityClient.BatchGetLimit, openids.Count - offset);
                fetching = Fetch(offset + count);

                progress = progress with { PageOffset = offset + count, Recorded = progress.Recorded + count, UpdatedAt = time.GetUtcNow() };
                var sightings = users.Value.Where(u => !string.IsNullOrEmpty(u.Openid)).Select(u => new IdentitySighting(appid, u.Openid!, u.Unionid, u)).ToList();
                await progressStore.SaveAsync(progress, sightings, cancellationToken);
                report?.Invoke(progress);
            }

            // WeChat's last page may still carry a next_openid; the page after it is empty.
            var next = page.Value.NextOpenid;
            var done = openids.Count == 0 || string.IsNullOrEmpty(next);
            progress = progress with
            {
                State = done ? BackfillState.Completed : BackfillState.Running,
                PageCursor = done ? progress.PageCursor : next,
                PageOffset = done ? progress.PageOffset : 0,
                UpdatedAt = time.GetUtcNow(),
            };
            await progressStore.SaveAsync(progress, cancellationToken);
            if (done)
            {
                report?.Invoke(progress);
                return progress;
            }
        }
    }

    private static List<string> Batch(IReadOnlyList<string> openids, int offset) =>
        openids.Skip(offset).Take(WeChatIdentityClient.BatchGetLimit).ToList();

    private async Task<Outcome<BackfillProgress>> FailAsync(BackfillProgress progress, Problem problem, CancellationToken cancellationToken)
    {
        var failed = progress with
        {
            State = BackfillState.Failed,
            Error = $"{problem.Message} Run the backfill again to resume from follower {progress.Recorded + 1}.",
            UpdatedAt = time.GetUtcNow(),
        };
        await progressStore.SaveAsync(failed, cancellationToken);
        return problem with { Message = failed.Error };
    }
}
