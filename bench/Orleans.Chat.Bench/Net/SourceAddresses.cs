using System.Net;

namespace OrleansChat.Bench.Net;

/// <summary>
/// Spreads client sockets over 127.100.S.H: nginx's ip_hash hashes the first three octets, so every
/// client of one /24 lands on one backend; 250 subnets spread them like real users from many networks.
/// </summary>
public static class SourceAddresses
{
    public static IPAddress For(int client) =>
        new([127, 100, (byte)(client % 250), (byte)(1 + (client / 250 % 250))]);
}
