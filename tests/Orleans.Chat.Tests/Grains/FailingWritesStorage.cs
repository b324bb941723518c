using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansChat.Tests.Grains;

/// <summary>
/// The grain test cluster's storage: memory storage that refuses every write of a grain whose key
/// contains <see cref="Marker"/>, as a store that is down would. Other grains are stored as usual.
/// </summary>
public sealed class FailingWritesStorage(IGrainStorage inner) : IGrainStorage
{
    public const string Marker = "failwrite";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        grainId.Key.ToString().Contains(Marker, StringComparison.Ordinal)
            ? Task.FromException(new InvalidOperationException($"the store refused the write of {grainId}"))
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
