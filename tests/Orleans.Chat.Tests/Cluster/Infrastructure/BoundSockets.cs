using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace OrleansChat.Tests.Cluster.Infrastructure;

/// <summary>
/// Client sockets bound to a chosen 127.A.B.x source address. nginx's ip_hash hashes only the first
/// three octets, so clients from different /24s of 127/8 spread over the nodes like real users do.
/// </summary>
public static class BoundSockets
{
    /// <summary>Linux IP_BIND_ADDRESS_NO_PORT: bind the address now, pick the port at connect, so many sockets share one address.</summary>
    private const int IpBindAddressNoPort = 24;

    public static SocketsHttpHandler Handler(IPAddress local) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.SetRawSocketOption(0, IpBindAddressNoPort, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Makes the SignalR client open its WebSocket from <paramref name="local"/>.</summary>
    public static void Use(HttpConnectionOptions options, IPAddress local)
    {
        var invoker = new HttpMessageInvoker(Handler(local));
        options.WebSocketFactory = async (context, cancellationToken) =>
        {
            var socket = new ClientWebSocket();
            if (context.Options.AccessTokenProvider is { } provider && await provider() is { } token)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            }

            await socket.ConnectAsync(context.Uri, invoker, cancellationToken);
            return socket;
        };
    }

    /// <summary>
    /// Source addresses that nginx sends to each node, found by asking <c>/health</c> (which names the
    /// answering node) from candidate /24s. ip_hash treats the WebSocket the same as this request.
    /// </summary>
    public static async Task<Dictionary<string, IPAddress>> AddressPerNodeAsync(string nginxUrl, int nodes, int seed)
    {
        var found = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        for (var b = 1; b < 250 && found.Count < nodes; b++)
        {
            var address = IPAddress.Parse($"127.{seed % 200 + 20}.{b}.7");
            var node = await AnsweringNodeAsync(nginxUrl, address);
            if (node is not null)
            {
                found.TryAdd(node, address);
            }
        }

        return found;
    }

    public static async Task<string?> AnsweringNodeAsync(string nginxUrl, IPAddress local)
    {
        using var http = new HttpClient(Handler(local)) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var body = await http.GetStringAsync($"{nginxUrl}/health");
            return JsonDocument.Parse(body).RootElement.GetProperty("node").GetString();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
