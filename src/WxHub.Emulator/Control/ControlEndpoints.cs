using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxHub.Emulator.Apps;
using WxHub.Emulator.Faults;
using WxHub.Emulator.Hosting;
using WxHub.Emulator.Json;

namespace WxHub.Emulator.Control;

/// <summary>
/// The control API under <c>/__emulator/</c>: what tests use to set up accounts, bend time, inject faults, count
/// calls and switch access points. The paths and fields are a public contract.
/// </summary>
internal sealed class ControlEndpoints(EmulatorState state, AppRegistrar apps, IAccessPointSwitch accessPoints)
{
    public void Map(IEndpointRouteBuilder routes, string accessPoint)
    {
        routes.MapControl("POST", "/__emulator/apps", RegisterAppAsync);
        routes.MapControl("GET", "/__emulator/apps", ListApps);
        routes.MapControl("POST", "/__emulator/faults", AddFaultAsync);
        routes.MapControl("GET", "/__emulator/faults", ListFaults);
        routes.MapControl("DELETE", "/__emulator/faults", ClearFaults);
        routes.MapControl("POST", "/__emulator/clock", AdvanceClockAsync);
        routes.MapControl("GET", "/__emulator/clock", _ => Clock());
        routes.MapControl("GET", "/__emulator/stats", Stats);
        routes.MapControl("DELETE", "/__emulator/stats", ClearStats);
        routes.MapControl("GET", "/__emulator/access_points", _ => ListAccessPoints());
        routes.MapControl("POST", "/__emulator/access_points/{name}/down", http => SwitchAsync(http, accessPoint, up: false));
        routes.MapControl("POST", "/__emulator/access_points/{name}/up", http => SwitchAsync(http, accessPoint, up: true));
    }

    private async Task<IResult> RegisterAppAsync(HttpContext http)
    {
        var app = apps.Register(await ControlHttp.ReadAsync(http, EmulatorJson.Default.AppRegistration));
        return ControlHttp.Json(apps.View(app), EmulatorJson.Default.AppView, StatusCodes.Status201Created);
    }

    private IResult ListApps(HttpContext http)
    {
        lock (state.Gate)
            return ControlHttp.Json(state.Apps.Values.Select(apps.View).ToList(), EmulatorJson.Default.ListAppView);
    }

    private async Task<IResult> AddFaultAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.FaultRequest);
        var (action, value) = FaultActionOf(request);
        var path = AppRegistrar.Required(request.Path, "path");
        if (!path.StartsWith('/')) throw ControlProblem.BadRequest("invalid_path", "path must be a WeChat path such as /cgi-bin/token.");
        if (request.AccessPoint is { } name && !AccessPointNames.All.Contains(name))
            throw ControlProblem.BadRequest("unknown_access_point", $"access_point must be one of {string.Join(", ", AccessPointNames.All)}.");
        if (request.Count is not null && request.Fraction is not null)
            throw ControlProblem.BadRequest("count_or_fraction", "Give count (the next N calls) or fraction (a share of calls), not both.");
        if (request.Count < 1) throw ControlProblem.BadRequest("invalid_count", "count must be at least 1.");
        if (request.Fraction is <= 0 or > 1) throw ControlProblem.BadRequest("invalid_fraction", "fraction must be more than 0 and at most 1.");
        if (request.Seed is not null && request.Fraction is null)
            throw ControlProblem.BadRequest("seed_without_fraction", "seed picks which calls a fraction hits; give fraction with it.");

        Fault fault;
        lock (state.Gate)
            fault = state.Faults.Add(id => new Fault
            {
                Id = id,
                Path = path,
                AppId = request.AppId,
                AccessPoint = request.AccessPoint,
                Action = action,
                Value = value,
                Remaining = request.Count,
                Fraction = request.Fraction,
                Seed = request.Seed,
                Draws = request.Seed is { } seed ? new Random(seed) : Random.Shared,
            });
        return ControlHttp.Json(View(fault), EmulatorJson.Default.FaultView, StatusCodes.Status201Created);
    }

    private static (FaultAction Action, int Value) FaultActionOf(FaultRequest request)
    {
        var given = new (FaultAction Action, int? Value)[]
        {
            (FaultAction.ErrCode, request.Errcode),
            (FaultAction.HttpStatus, request.HttpStatus),
            (FaultAction.Delay, request.DelayMs),
            (FaultAction.Drop, request.Drop == true ? 0 : null),
        }.Where(f => f.Value is not null).ToList();
        if (given.Count != 1)
            throw ControlProblem.BadRequest("one_fault_kind", "Give exactly one of errcode, http_status, delay_ms or drop: true.");
        var (action, value) = (given[0].Action, given[0].Value!.Value);
        if (action == FaultAction.HttpStatus && value is < 100 or > 599)
            throw ControlProblem.BadRequest("invalid_http_status", "http_status must be an HTTP status code (100-599).");
        if (action == FaultAction.Delay && value is < 0 or > 600_000)
            throw ControlProblem.BadRequest("invalid_delay", "delay_ms must be between 0 and 600000.");
        return (action, value);
    }

    private IResult ListFaults(HttpContext http)
    {
        lock (state.Gate)
            return ControlHttp.Json(new FaultList(state.Faults.All.Select(View).ToList()), EmulatorJson.Default.FaultList);
    }

    private IResult ClearFaults(HttpContext http)
    {
        lock (state.Gate) state.Faults.Clear();
        return Results.NoContent();
    }

    private static FaultView View(Fault fault) => new(
        fault.Id,
        fault.Path,
        fault.AppId,
        fault.AccessPoint,
        fault.Action switch
        {
            FaultAction.ErrCode => "errcode",
            FaultAction.HttpStatus => "http_status",
            FaultAction.Delay => "delay_ms",
            _ => "drop",
        },
        fault.Action == FaultAction.Drop ? null : fault.Value,
        fault.Remaining,
        fault.Fraction,
        fault.Seed);

    private async Task<IResult> AdvanceClockAsync(HttpContext http)
    {
        var request = await ControlHttp.ReadAsync(http, EmulatorJson.Default.ClockAdvance);
        if (request.AdvanceSeconds is not { } seconds || seconds < 0 || double.IsNaN(seconds) || seconds > TimeSpan.FromDays(3650).TotalSeconds)
            throw ControlProblem.BadRequest("invalid_advance", "advance_seconds must be a number of seconds from 0 to ten years; the clock only moves forward.");
        state.Clock.Advance(TimeSpan.FromSeconds(seconds));
        return Clock();
    }

    private IResult Clock()
    {
        var now = state.Clock.GetUtcNow();
        return ControlHttp.Json(new ClockView(now, now.ToUnixTimeSeconds(), state.Clock.Offset.TotalSeconds), EmulatorJson.Default.ClockView);
    }

    private IResult Stats(HttpContext http)
    {
        lock (state.Gate)
        {
            var calls = state.Stats.ByPath.ToDictionary(p => p.Key, p => new Dictionary<string, int>(p.Value), StringComparer.Ordinal);
            return ControlHttp.Json(new StatsView(calls, new Dictionary<string, int>(state.Stats.ByAccessPoint)), EmulatorJson.Default.StatsView);
        }
    }

    private IResult ClearStats(HttpContext http)
    {
        lock (state.Gate) state.Stats.Clear();
        return Results.NoContent();
    }

    private IResult ListAccessPoints() =>
        ControlHttp.Json(new AccessPointList(accessPoints.Describe()), EmulatorJson.Default.AccessPointList);

    /// <summary>
    /// Takes an access point down or brings it back. When a point is asked to take itself down, it answers first and
    /// stops right after, since a listener cannot finish a request once it has stopped.
    /// </summary>
    private async Task<IResult> SwitchAsync(HttpContext http, string self, bool up)
    {
        var name = ControlHttp.Route(http, "name");
        if (!AccessPointNames.All.Contains(name))
            throw ControlProblem.NotFound("unknown_access_point", $"There is no access point '{name}'; there are {string.Join(", ", AccessPointNames.All)}.");
        if (up) await accessPoints.BringUpAsync(name);
        else if (name == self) http.Response.OnCompleted(() => { _ = Task.Run(() => accessPoints.TakeDownAsync(name)); return Task.CompletedTask; });
        else await accessPoints.TakeDownAsync(name);
        return ListAccessPoints();
    }
}

/// <summary>Takes access points down and brings them back; implemented by the running emulator.</summary>
internal interface IAccessPointSwitch
{
    IReadOnlyList<AccessPointView> Describe();
    Task TakeDownAsync(string name);
    Task BringUpAsync(string name);
}
