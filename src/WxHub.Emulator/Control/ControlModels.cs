using System.Text.Json.Serialization;

namespace WxHub.Emulator.Control;

/// <summary>The control API's one error shape.</summary>
internal sealed record ControlError(string Error, string Message);

internal sealed record AppRegistration(
    [property: JsonPropertyName("appid")] string? AppId,
    string? Secret,
    string? Type,
    string? CallbackUrl,
    string? Token,
    string? EncodingAesKey,
    string? Mode,
    IReadOnlyList<string>? IpWhitelist,
    string? OpenAccount,
    int? TokenTtlSeconds,
    Dictionary<string, int>? Quotas,
    string? Name,
    string? OriginalId);

internal sealed record AppView(
    [property: JsonPropertyName("appid")] string AppId,
    string Type,
    string OriginalId,
    string Name,
    string Mode,
    int TokenTtlSeconds);

internal sealed record FaultRequest(
    string? Path,
    [property: JsonPropertyName("appid")] string? AppId,
    string? AccessPoint,
    int? Errcode,
    int? HttpStatus,
    int? DelayMs,
    bool? Drop,
    int? Count,
    double? Fraction,
    int? Seed);

internal sealed record FaultView(
    int Id,
    string Path,
    [property: JsonPropertyName("appid")] string? AppId,
    string? AccessPoint,
    string Action,
    int? Value,
    int? Count,
    double? Fraction,
    int? Seed);

internal sealed record FaultList(IReadOnlyList<FaultView> Faults);

internal sealed record ClockAdvance(double? AdvanceSeconds);

internal sealed record ClockView(DateTimeOffset Now, long Unix, double OffsetSeconds);

internal sealed record StatsView(
    IReadOnlyDictionary<string, Dictionary<string, int>> Calls,
    IReadOnlyDictionary<string, int> AccessPoints);

internal sealed record AccessPointView(string Name, string Url, bool Up);

internal sealed record AccessPointList(IReadOnlyList<AccessPointView> AccessPoints);
