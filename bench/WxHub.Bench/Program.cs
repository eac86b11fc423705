using WxHub.Bench;

return args.FirstOrDefault() switch
{
    "callbacks" => await CallbackBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/WxHub.Bench -- callbacks [--messages N] [--concurrency N] [--rounds N]");
    return 2;
}
