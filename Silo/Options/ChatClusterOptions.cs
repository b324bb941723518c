namespace OrleansChat.Silo.Options;

/// <summary>How this node's silo finds the others. Section <c>Chat:Cluster</c>.</summary>
public sealed class ChatClusterOptions
{
    public const string Section = "Chat:Cluster";

    /// <summary>Membership provider. Default <c>Localhost</c>.</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    /// <summary>Orleans cluster id; nodes with the same id form one cluster. Default <c>orleans-chat</c>.</summary>
    public string ClusterId { get; set; } = "orleans-chat";

    /// <summary>Orleans service id; keeps storage keys apart between deployments. Default <c>orleans-chat</c>.</summary>
    public string ServiceId { get; set; } = "orleans-chat";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// Orleans client gateway port, for Orleans clients outside the nodes. 0 = closed: each node's hub
    /// talks to its own co-hosted silo in process, so no node needs a gateway, and an open one would
    /// let anything that reaches the port call any grain. Default 0.
    /// </summary>
    public int GatewayPort { get; set; }

    /// <summary>Address other silos use to reach this one. Default <c>127.0.0.1</c>.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface instead of only <see cref="AdvertisedAddress"/> (containers behind NAT). Default false.</summary>
    public bool ListenOnAnyAddress { get; set; }
}
