using System.Net;
using System.Text.Json;
using WxHub.Server.Hosting;
using WxHub.Testing;

namespace WxHub.Server.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_and_readyz_answer_on_a_real_loopback_port()
    {
        using var data = new TempDirectory();
        await using var server = await RunningServer.StartAsync(WxHubApplication.Build(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Data"] = data.Path,
        }));

        var health = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
