namespace OrleansChat.Silo.Options;

/// <summary>Where grain state and message history live. Section <c>Chat:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string Section = "Chat:Store";

    /// <summary>Store for grain state and history (one setting for both). Default <c>Memory</c>.</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Memory;
}
