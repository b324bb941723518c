using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Tests.Infrastructure;

public static class Ports
{
    // Below Linux's ephemeral range (32768+): the kernel never hands these out as the local port of
    // an outgoing connection, so a port picked here cannot be taken by one of the tests' own client
    // sockets between picking it and the server binding it (which "bind port 0" ports could).
    private const int First = 20000;
    private const int Last = 32000;

    private static int _next = First + Random.Shared.Next(Last - First);

    /// <summary>A TCP port on 127.0.0.1 that is free now and that no other caller in this process gets.</summary>
    public static int Free()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var candidate = First + ((Interlocked.Increment(ref _next) - First) % (Last - First));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, candidate);
                listener.Start();
                return candidate;
            }
            catch (SocketException)
            {
                // In use by something else on this machine: try the next one.
            }
        }

        throw new InvalidOperationException($"no free TCP port between {First} and {Last}");
    }
}
