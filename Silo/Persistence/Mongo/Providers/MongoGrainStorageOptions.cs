using System.Text.Json;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Options of one named MongoDB grain storage provider.</summary>
public sealed class MongoGrainStorageOptions : MongoConnectionOptions
{
    /// <summary>Collections are named prefix + grain state name (e.g. <c>grains.room</c>). Default <c>grains.</c>.</summary>
    public string CollectionPrefix { get; set; } = "grains.";

    /// <summary>
    /// Version of the state types, written into every document as <c>v</c>. Raise it when a state
    /// type changes in a way that added or ignored fields cannot absorb, and set <see cref="UpgradeState"/>.
    /// Default 1.
    /// </summary>
    public int StateVersion { get; set; } = 1;

    /// <summary>Called for documents whose <c>v</c> is below <see cref="StateVersion"/>, before they are read. Default none.</summary>
    public MongoStateUpgrade? UpgradeState { get; set; }

    /// <summary>
    /// System.Text.Json options for state types. Default none: Orleans'
    /// <c>SystemTextJsonGrainStorageSerializerOptions</c>, which know grain references and stream ids.
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }
}
