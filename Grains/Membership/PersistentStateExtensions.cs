using Orleans.Runtime;

namespace OrleansChat.Grains.Membership;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, undoes the change in memory too, so that the grain does
    /// not go on acting on a membership its store never got. The caller sees the failure and may retry.
    /// </summary>
    public static async Task WriteOrUndoAsync<T>(this IPersistentState<T> state, Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            undo();
            throw;
        }
    }
}
