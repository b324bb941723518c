namespace OrleansChat.Nodes;

/// <summary>An edge node: its id (the address of the silo it is co-hosted with) and its observer reference.</summary>
[GenerateSerializer, Immutable, Alias("chat.NodeInfo")]
public sealed record NodeInfo([property: Id(0)] string NodeId, [property: Id(1)] IChatNode Node);
