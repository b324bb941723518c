using System.Net;
using System.Net.Sockets;

namespace Orleans.Chat.Tests.Infrastructure;

public static class Ports
{
    /// <summary>A TCP port that was free a moment ago (bound to port 0, read, released).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
