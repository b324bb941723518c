using Orleans.Services;

namespace OrleansChat.Rooms;

/// <summary>
/// One on every silo (a grain service, addressed by the silo). An edge node hands it the sends
/// that queued for rooms on that silo while an earlier call was in flight; it passes each to its
/// room in-process. So a batch crosses between silos as one request and one answer.
/// </summary>
[Alias("chat.ISendGateway")]
public interface ISendGateway : IGrainService
{
    /// <summary>
    /// Sends each message through its room (<see cref="IRoomGrain.SendFromNode"/>); sends to one
    /// room one after another in the given order, rooms side by side. One outcome per send, same order.
    /// </summary>
    [Alias("Send")]
    Task<SendOutcome[]> Send(SendRequest[] sends);
}
