using Microsoft.AspNetCore.SignalR;

namespace OrleansChat.Edge.Hosting;

/// <summary>The hub's user is the token's <c>sub</c>.</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst("sub")?.Value;
}
