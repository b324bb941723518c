using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>
/// Maps JSON (as written by System.Text.Json) to BSON and back, so grain state is stored as a real
/// document whose fields can be read and queried. Field names are escaped where BSON or MongoDB
/// treat them specially: '%' → %25, '.' → %2E, '$' → %24, NUL → %00 (dictionary keys such as room ids
/// may contain dots, and Orleans' converters may write <c>$</c>-prefixed names).
/// </summary>
public static class BsonJsonMapper
{
    public static BsonValue ToBson(JsonNode? node) => node switch
    {
        null => BsonNull.Value,
        JsonObject obj => ToDocument(obj),
        JsonArray array => new BsonArray(array.Select(ToBson)),
        JsonValue value => ToBsonValue(value),
        _ => throw new NotSupportedException($"JSON node {node.GetType().Name} has no BSON form"),
    };

    public static JsonNode? ToJson(BsonValue value) => value.BsonType switch
    {
        BsonType.Document => ToJsonObject(value.AsBsonDocument),
        BsonType.Array => new JsonArray(value.AsBsonArray.Select(ToJson).ToArray()),
        BsonType.String => JsonValue.Create(value.AsString),
        BsonType.Int32 => JsonValue.Create(value.AsInt32),
        BsonType.Int64 => JsonValue.Create(value.AsInt64),
        BsonType.Double => JsonValue.Create(value.AsDouble),
        BsonType.Decimal128 => JsonValue.Create((decimal)value.AsDecimal128),
        BsonType.Boolean => JsonValue.Create(value.AsBoolean),
        BsonType.Null or BsonType.Undefined => null,

        // Written by hand or by a migration rather than by this mapper: give STJ the ISO form it reads.
        BsonType.DateTime => JsonValue.Create(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        BsonType.ObjectId => JsonValue.Create(value.AsObjectId.ToString()),
        _ => throw new NotSupportedException($"BSON {value.BsonType} has no JSON form"),
    };

    public static string EscapeName(string name)
    {
        if (name.AsSpan().IndexOfAny("%.$\0") < 0)
        {
            return name;
        }

        var escaped = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            escaped.Append(c switch
            {
                '%' => "%25",
                '.' => "%2E",
                '$' => "%24",
                '\0' => "%00",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    public static string UnescapeName(string name)
    {
        if (!name.Contains('%'))
        {
            return name;
        }

        var plain = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var code = name[i] == '%' && i + 2 < name.Length ? name.Substring(i + 1, 2) : null;
            char? decoded = code switch
            {
                "25" => '%',
                "2E" => '.',
                "24" => '$',
                "00" => '\0',
                _ => null,
            };
            if (decoded is { } c)
            {
                plain.Append(c);
                i += 2;
            }
            else
            {
                plain.Append(name[i]);
            }
        }

        return plain.ToString();
    }

    private static BsonDocument ToDocument(JsonObject obj)
    {
        var document = new BsonDocument();
        foreach (var (name, child) in obj)
        {
            document.Add(EscapeName(name), ToBson(child));
        }

        return document;
    }

    private static JsonObject ToJsonObject(BsonDocument document)
    {
        var obj = new JsonObject();
        foreach (var element in document)
        {
            obj[UnescapeName(element.Name)] = ToJson(element.Value);
        }

        return obj;
    }

    private static BsonValue ToBsonValue(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return new BsonString(value.GetValue<string>());
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            case JsonValueKind.Number:
                return ToBsonNumber(value);
            default:
                return BsonNull.Value;
        }
    }

    /// <summary>Integers stay integers (Int32 when they fit); other numbers are doubles unless a double would change them.</summary>
    private static BsonValue ToBsonNumber(JsonValue value)
    {
        if (value.TryGetValue<int>(out var int32))
        {
            return new BsonInt32(int32);
        }

        if (value.TryGetValue<long>(out var int64))
        {
            return new BsonInt64(int64);
        }

        var raw = value.ToJsonString();
        var asDouble = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var asDecimal)
            && (double.IsInfinity(asDouble) || (decimal)asDouble != asDecimal))
        {
            return new BsonDecimal128(asDecimal);
        }

        return new BsonDouble(asDouble);
    }
}
