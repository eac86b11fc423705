namespace WxHub.Emulator.Components;

/// <summary>A third-party platform as registered, with what WeChat keeps for it.</summary>
internal sealed class ComponentState
{
    public required string ComponentAppId { get; init; }
}
