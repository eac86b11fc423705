using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WxHub.Testing;

namespace WxHub.Emulator.Tests;

/// <summary>A request the receiver got: its path, query and body.</summary>
internal sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Body);

/// <summary>
/// A small real HTTP server on loopback standing in for the developer's server: it records every request and
/// answers with whatever the test's handler writes.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly RunningServer _server;

    private Receiver(RunningServer server) => _server = server;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Url(string path) => new(_server.Address, path);

    /// <param name="answer">Writes the response; it gets the request as recorded.</param>
    public static async Task<Receiver> StartAsync(Func<Received, HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        Receiver? receiver = null;
        app.Run(async http =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            var received = new Received(http.Request.Method, http.Request.Path, http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), body);
            receiver!.Requests.Enqueue(received);
            await answer(received, http);
        });
        receiver = new Receiver(await RunningServer.StartAsync(app));
        return receiver;
    }

    public static Task<Receiver> AnsweringSuccessAsync() => StartAsync((_, http) => http.Response.WriteAsync("success"));

    public IReadOnlyList<Received> On(string path) => Requests.Where(r => r.Path == path).ToList();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
