using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansChat.Edge.Hosting;

/// <summary>Writes timestamps as ISO-8601 UTC with a <c>Z</c>, as the contract's <c>sentAt</c> asks.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
