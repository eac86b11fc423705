using WxHub.Bench;

return args.FirstOrDefault() switch
{
    "callbacks" => await CallbackBenchmark.RunAsync(args[1..]),
    "backfill" => await BackfillBenchmark.RunAsync(args[1..]),
    "proxy" => await ProxyBenchmark.RunAsync(args[1..]),
    "authorizers" => await AuthorizerBenchmark.RunAsync(args[1..]),
    "cluster" => await ClusterBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/WxHub.Bench -- callbacks [--messages N] [--concurrency N] [--rounds N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- backfill [--followers N] [--stop-at N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- proxy [--calls N] [--concurrency N] [--rounds N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- authorizers [--authorizers N] [--rate N] [--concurrency N]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/WxHub.Bench -- cluster [--apps N] [--seconds N] [--readers N] [--read-seconds N]");
    return 2;
}
