using System.Net;
using System.Net.Sockets;

namespace Orleans.Chat.Tests.Storage.Infrastructure;

internal static class FreePorts
{
    /// <summary>A port the OS just handed out: bound to 0, read, released.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
