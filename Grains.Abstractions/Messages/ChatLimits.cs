using System.Text.RegularExpressions;

namespace OrleansChat.Messages;

/// <summary>
/// Input rules of the client contract. Both the hub and the grains check them: the hub to answer
/// quickly, the grains because nothing that reaches a grain may be trusted.
/// </summary>
public static partial class ChatLimits
{
    public const int MaxIdLength = 64;
    public const int MaxTextLength = 4000;
    public const int MaxClientMsgIdLength = 64;
    public const int MaxHistoryPage = 200;
    public const int MaxResumePage = 1000;

    /// <summary>Rooms in one page of <c>GetRoomsPage</c>.</summary>
    public const int MaxRoomsPage = 500;

    /// <summary>
    /// Bytes of message text (as UTF-8) one <c>Resume</c> answer carries at most, about 1 MB on the
    /// wire; the client pages on from the last seq it got. At least one message is always returned.
    /// </summary>
    public const int MaxResumeBytes = 1_000_000;
    public const string DirectRoomPrefix = "dm:";

    // \z, not $: "$" would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>A public room id or a well-formed direct room id (<c>dm:a:b</c>, a &lt; b ordinally).</summary>
    public static bool IsValidRoomId(string? roomId) =>
        IsValidId(roomId) || (roomId is not null && TryParseDirectRoom(roomId, out _, out _));

    public static bool IsDirectRoom(string roomId) => roomId.StartsWith(DirectRoomPrefix, StringComparison.Ordinal);

    public static string DirectRoomId(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? $"{DirectRoomPrefix}{a}:{b}" : $"{DirectRoomPrefix}{b}:{a}";

    public static bool TryParseDirectRoom(string roomId, out string first, out string second)
    {
        first = second = string.Empty;
        if (!IsDirectRoom(roomId))
        {
            return false;
        }

        var parts = roomId[DirectRoomPrefix.Length..].Split(':');
        if (parts.Length != 2 || !IsValidId(parts[0]) || !IsValidId(parts[1]) || string.CompareOrdinal(parts[0], parts[1]) >= 0)
        {
            return false;
        }

        (first, second) = (parts[0], parts[1]);
        return true;
    }

    public static void EnsureUserId(string? userId)
    {
        if (!IsValidId(userId))
        {
            throw new ChatException($"invalid user id '{Truncate(userId)}': use 1-64 of A-Z a-z 0-9 _ . -");
        }
    }

    public static void EnsureRoomId(string? roomId)
    {
        if (!IsValidRoomId(roomId))
        {
            throw new ChatException($"invalid room id '{Truncate(roomId)}': use 1-64 of A-Z a-z 0-9 _ . -");
        }
    }

    public static void EnsureText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new ChatException("text must not be empty");
        }

        if (text.Length > MaxTextLength)
        {
            throw new ChatException($"text exceeds {MaxTextLength} characters");
        }
    }

    public static void EnsureClientMsgId(string? clientMsgId)
    {
        if (string.IsNullOrEmpty(clientMsgId) || clientMsgId.Length > MaxClientMsgIdLength)
        {
            throw new ChatException($"clientMsgId must be 1-{MaxClientMsgIdLength} characters");
        }
    }

    public static void EnsureHistoryLimit(int limit)
    {
        if (limit < 1 || limit > MaxHistoryPage)
        {
            throw new ChatException($"limit must be between 1 and {MaxHistoryPage}");
        }
    }

    public static void EnsureRoomsPageLimit(int limit)
    {
        if (limit < 1 || limit > MaxRoomsPage)
        {
            throw new ChatException($"limit must be between 1 and {MaxRoomsPage}");
        }
    }

    public static void EnsureSeq(long seq, string name)
    {
        if (seq < 0)
        {
            throw new ChatException($"{name} must not be negative");
        }
    }

    private static string Truncate(string? value) =>
        value is null ? "" : value.Length <= 70 ? value : value[..70] + "…";
}
