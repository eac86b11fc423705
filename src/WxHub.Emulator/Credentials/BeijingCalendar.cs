namespace WxHub.Emulator.Credentials;

/// <summary>WeChat's daily and monthly limits roll over at midnight in Beijing (UTC+8).</summary>
internal static class BeijingCalendar
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static int Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime).DayNumber;

    public static int Month(DateTimeOffset instant)
    {
        var local = instant.ToOffset(Offset);
        return local.Year * 12 + local.Month;
    }
}
