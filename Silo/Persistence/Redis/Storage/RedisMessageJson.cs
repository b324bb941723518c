using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansChat.Messages;

namespace OrleansChat.Silo.Persistence.Redis;

/// <summary>Messages as stored in Redis: camelCase JSON, generated at build time so no reflection runs per message.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatMessage))]
internal sealed partial class RedisMessageJson : JsonSerializerContext;
