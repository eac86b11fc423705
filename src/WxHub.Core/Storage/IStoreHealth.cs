namespace WxHub.Core.Storage;

/// <summary>A cheap check that the store answers, for <c>/readyz</c>.</summary>
public interface IStoreHealth
{
    /// <summary>Never throws for an unreachable store: says so in the result.</summary>
    Task<StoreHealth> CheckAsync(CancellationToken cancellationToken = default);
}

/// <param name="Problem">Why the store is not usable, for operators; null when it is.</param>
public sealed record StoreHealth(string? Problem)
{
    public static readonly StoreHealth Reachable = new((string?)null);

    public bool IsReachable => Problem is null;

    public static StoreHealth Unreachable(string problem) => new(problem);
}
