using OrleansChat.Edge.Routing;
using Orleans.Runtime;

namespace OrleansChat.Edge.Cluster;

/// <summary>
/// <c>GET /cluster</c> on the internal port: this node's silo, its state, its live connections and
/// the membership as this silo sees it. <c>scripts/cluster.sh status</c> prints it per node.
/// </summary>
internal static class ClusterStatusEndpoint
{
    public const string Path = "/cluster";

    public static IResult Handle(ILocalSiloDetails silo, IClusterMembershipService membership, ChatNode node, DrainState drain)
    {
        var snapshot = membership.CurrentSnapshot;
        var self = snapshot.Members.TryGetValue(silo.SiloAddress, out var member) ? member.Status : SiloStatus.None;
        return Results.Json(new
        {
            node = node.NodeId,
            silo = silo.SiloAddress.ToString(),
            status = drain.IsDraining ? "Draining" : self.ToString(),
            connections = node.ConnectionCount,
            members = snapshot.Members.Values
                .OrderBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
                .Select(m => new { silo = m.SiloAddress.ToString(), status = m.Status.ToString() }),
        });
    }
}
