namespace OrleansChat;

/// <summary>Provider names and stream namespaces: one place each, shared by grains, silo and tests.</summary>
public static class ChatNames
{
    /// <summary>Named grain storage for room and user state.</summary>
    public const string GrainStorage = "chat";

    /// <summary>Grain storage Orleans' stream pub-sub keeps its subscriptions in.</summary>
    public const string PubSubStorage = "PubSubStore";

    /// <summary>The stream provider that carries room events.</summary>
    public const string StreamProvider = "chat-streams";

    /// <summary>Stream namespace of room events; the stream key is the room id.</summary>
    public const string RoomEventsNamespace = "room-events";
}
