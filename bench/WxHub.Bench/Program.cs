using WxHub.Bench;

return args.FirstOrDefault() switch
{
    "callbacks" => await CallbackBenchmark.RunAsync(args[1..]),
    "backfill" => await BackfillBenchmark.RunAsync(args[1..]),
    "proxy" => await ProxyBenchmark.RunAsync(args[1..]),
    "authorizers" => await AuthorizerBenchmark.RunAsync(args[1..]),
    "cluster" => await ClusterBenchmark.RunAsync(args[1..]),
    "tokens" => await TokenReadBenchmark.RunAsync(args[1..]),
    "all" => await RunAllAsync(),
    _ => Usage(),
};

// The whole report, each verb with its defaults, one after the other (they would measure each other side by side).
static async Task<int> RunAllAsync()
{
    var failed = new List<string>();
    foreach (var (name, run) in new (string, Func<string[], Task<int>>)[]
    {
        ("tokens", TokenReadBenchmark.RunAsync), ("callbacks", CallbackBenchmark.RunAsync), ("proxy", ProxyBenchmark.RunAsync),
        ("backfill", BackfillBenchmark.RunAsync), ("authorizers", AuthorizerBenchmark.RunAsync),
    })
    {
        Console.WriteLine($"## {name}");
        Console.WriteLine();
        try
        {
            if (await run([]) != 0) failed.Add(name);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{name} failed: {e}");
            failed.Add(name);
        }
        Console.WriteLine();
    }
    if (failed.Count > 0) Console.Error.WriteLine($"Failed: {string.Join(", ", failed)}");
    return failed.Count == 0 ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/WxHub.Bench -- callbacks [--messages N] [--concurrency N] [--rounds N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- backfill [--followers N] [--stop-at N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- proxy [--calls N] [--concurrency N] [--rounds N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- authorizers [--authorizers N] [--rate N] [--concurrency N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- cluster [--apps N] [--seconds N] [--readers N] [--read-seconds N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- all      (every verb with its defaults: the whole report)");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- tokens [--requests N] [--connections N] [--rounds N]");
    return 2;
}
