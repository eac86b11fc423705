using System.Net.Sockets;
using System.Text;

namespace WxHub.Server.Tests.Proxy;

/// <summary>
/// HTTP/1.0 over a plain socket, so that a request target reaches the server exactly as written (HttpClient would
/// normalise it); 1.0 so that the answer is not chunked.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Body)> GetAsync(Uri server, string target, string apiKey)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var request = $"GET {target} HTTP/1.0\r\nHost: {server.Authority}\r\nAuthorization: Bearer {apiKey}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, bodyStart < 0 ? "" : response[(bodyStart + 4)..]);
    }
}
