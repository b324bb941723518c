namespace OrleansChat.Grains.Membership;

/// <summary>
/// How large a room and a user's room list may grow. Section <c>Chat:Limits</c>. Both lists are kept
/// whole in one grain state that every join and leave rewrites, so their size bounds the cost of a
/// join and the size of the stored document (MongoDB refuses documents over 16 MB, about 200 000 ids).
/// </summary>
public sealed class MembershipLimitsOptions
{
    public const string Section = "Chat:Limits";

    /// <summary>Members a room may have; one more join is refused with a clear error. Default 10 000.</summary>
    public int MaxMembersPerRoom { get; set; } = 10_000;

    /// <summary>Public rooms a user may be a member of; one more join is refused. Default 1 000.</summary>
    public int MaxRoomsPerUser { get; set; } = 1_000;

    /// <summary>
    /// Direct conversations a user may be in, counted apart from public rooms: anyone may start one
    /// with anyone, so strangers filling this allowance must not stop the user joining rooms. Default 5 000.
    /// </summary>
    public int MaxDirectRoomsPerUser { get; set; } = 5_000;

    /// <summary>
    /// Members up to which a room tells its members of each join and leave (<c>memberJoined</c>,
    /// <c>memberLeft</c>); a bigger room sends none. Default 1 000.
    /// </summary>
    public int MemberNoticesUpTo { get; set; } = 1_000;

    /// <summary>
    /// Direct conversations a user may start per UTC day: a first message to someone they are not in
    /// a conversation with. Each stores a room and the recipient's membership, so a script writing to
    /// many made-up ids would otherwise fill the store. Default 200.
    /// </summary>
    public int MaxNewDirectPerDay { get; set; } = 200;
}
