using OrleansChat.Messages;

namespace OrleansChat.Rooms;

/// <summary>Input rules of the moderation methods, checked by the hub (to answer early) and by the room grain (which trusts no caller).</summary>
public static class ModerationLimits
{
    public const int MaxTitleLength = 100;
    public const int MaxReasonLength = 500;

    /// <summary>Ten years: a longer ban or mute is what <c>seconds</c> = 0 (until lifted) is for.</summary>
    public const long MaxSeconds = 10L * 365 * 24 * 3600;

    public static void EnsureTitle(string? title)
    {
        if (title is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxTitleLength)
        {
            throw new ChatException($"title must be 1-{MaxTitleLength} characters and not only spaces");
        }

        if (title.Any(char.IsControl))
        {
            throw new ChatException("title must not contain control characters");
        }
    }

    public static void EnsureReason(string? reason)
    {
        if (reason is { Length: > MaxReasonLength })
        {
            throw new ChatException($"reason exceeds {MaxReasonLength} characters");
        }
    }

    public static void EnsureSeconds(long seconds)
    {
        if (seconds < 0 || seconds > MaxSeconds)
        {
            throw new ChatException($"seconds must be between 0 (until lifted) and {MaxSeconds}");
        }
    }

    public static void EnsureRole(string? role)
    {
        if (!RoomRoles.IsValid(role))
        {
            throw new ChatException($"role must be {RoomRoles.Owner}, {RoomRoles.Moderator} or {RoomRoles.Member}");
        }
    }
}
