namespace WxHub.Emulator;

/// <summary>What a seed set up: how many apps, third-party platforms and users.</summary>
public sealed record SeedResult(int Apps, int Components, int Users);
