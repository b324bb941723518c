using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace OrleansChat.Bench.Net;

/// <summary>
/// Opens a client WebSocket on a socket bound to a chosen source address. The HTTP upgrade is
/// written by hand: it is one request, and doing it here keeps each connection to a socket, a stream
/// and a <see cref="WebSocket"/> — nothing pooled, nothing shared between clients.
/// </summary>
public static class WebSocketConnector
{
    private const int IpBindAddressNoPort = 24;

    public static async Task<WebSocket> ConnectAsync(Uri server, string pathAndQuery, IPAddress? source, CancellationToken cancellation)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                // Defers the port choice to connect(), so ports are unique per destination rather than per machine.
                socket.SetRawSocketOption(0, IpBindAddressNoPort, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(server.Host, server.Port, cancellation);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellation);
            var status = await ReadResponseHeadAsync(stream, cancellation);
            if (!status.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new WebSocketException(WebSocketError.NotAWebSocket, $"upgrade refused: {status}");
            }

            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        }
        catch (Exception)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads byte by byte up to the blank line, so no WebSocket frame bytes are consumed with the head.</summary>
    private static async Task<string> ReadResponseHeadAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var head = new byte[4096];
        var length = 0;
        while (length < head.Length)
        {
            if (await stream.ReadAsync(head.AsMemory(length, 1), cancellation) == 0)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "closed during upgrade");
            }

            length++;
            if (length >= 4 && head[length - 1] == '\n' && head[length - 2] == '\r' && head[length - 3] == '\n' && head[length - 4] == '\r')
            {
                var text = Encoding.ASCII.GetString(head, 0, length);
                return text[..text.IndexOf('\r')];
            }
        }

        throw new WebSocketException(WebSocketError.HeaderError, "upgrade response head too large");
    }
}
