namespace OrleansChat.Nodes;

/// <summary>
/// Where grains find the edge nodes' observer references (key 0). A node's id is its silo's address;
/// it registers at start and again whenever membership declares a silo dead (the directory may have
/// lived there). Liveness is not kept here: what membership declares dead is left out and forgotten.
/// </summary>
[Alias("chat.INodeDirectoryGrain")]
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task Register(string nodeId, IChatNode node);

    [Alias("Unregister")]
    Task Unregister(string nodeId);

    [Alias("GetNodes")]
    Task<IReadOnlyList<NodeInfo>> GetNodes();
}
