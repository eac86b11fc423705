using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxHub.Testing;

namespace WxHub.Server.Tests.Messages;

/// <summary>A delivery as the business service saw it.</summary>
public sealed record ReceivedDelivery(string DeliveryId, string Timestamp, string Signature, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public JsonNode Message => Json["message"]!;

    /// <summary>Checks the signature the way the docs tell a business service to, independently of WxHub's code.</summary>
    public bool IsSignedWith(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}")));
}

/// <summary>A business service: a tiny real Kestrel app on loopback that records deliveries and answers as told.</summary>
public sealed class SubscriberServer : IAsyncDisposable
{
    public const string Secret = "subscriber-secret-0123456789";

    private readonly RunningServer _server;
    private readonly Lock _gate = new();
    private readonly List<ReceivedDelivery> _received = [];

    private SubscriberServer(RunningServer server) => _server = server;

    /// <summary>Answers each delivery; by default 200 with an empty body.</summary>
    public Func<ReceivedDelivery, Task<IResult>> Respond { get; set; } = _ => Task.FromResult(Results.Ok());

    public Uri Url => new(_server.Address, "/hook");

    public IReadOnlyList<ReceivedDelivery> Received
    {
        get { lock (_gate) return _received.ToArray(); }
    }

    /// <param name="port">0 for a port chosen by the OS, or a fixed one (to bring a subscriber back where it was).</param>
    public static async Task<SubscriberServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SubscriberServer? self = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var delivery = new ReceivedDelivery(
                request.Headers["X-WxHub-Delivery"].ToString(), request.Headers["X-WxHub-Timestamp"].ToString(),
                request.Headers["X-WxHub-Signature"].ToString(), await reader.ReadToEndAsync());
            lock (self!._gate) self._received.Add(delivery);
            return await self.Respond(delivery);
        });
        self = new SubscriberServer(await RunningServer.StartAsync(app));
        return self;
    }

    public static IResult Reply(object reply) => Results.Json(reply);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
