namespace WxHub.Server.Tests.Reliability;

/// <summary>
/// The reliability tests' long variants (more iterations, more simulated hours) run when <c>WXHUB_LONG_TESTS=1</c>;
/// CI runs the short ones, which exercise the same code paths.
/// </summary>
internal static class LongRuns
{
    public const string Variable = "WXHUB_LONG_TESTS";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
