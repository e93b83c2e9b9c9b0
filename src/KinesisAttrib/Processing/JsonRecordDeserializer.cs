using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KinesisAttrib.Processing;

/// <summary>Decodes UTF-8 JSON record data with System.Text.Json, straight from the record's bytes.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class JsonRecordDeserializer<T> : IRecordDeserializer<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;

    /// <summary>Uses source-generated (or otherwise resolved) metadata: reflection-free, Native AOT safe.</summary>
    public JsonRecordDeserializer(JsonTypeInfo<T> typeInfo) => _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));

    /// <inheritdoc />
    public T Deserialize(KinesisClientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = JsonSerializer.Deserialize(record.Data.Span, _typeInfo);
        return value is null
            ? throw new JsonException($"Record {record.SequenceNumber} holds JSON null; the handler expects a {typeof(T).Name}.")
            : value;
    }
}

/// <summary>Factories for <see cref="JsonRecordDeserializer{T}"/>.</summary>
public static class JsonRecordDeserializer
{
    /// <summary>Uses the metadata a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> has for <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(System.Text.Json.Serialization.JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> info
            ? new JsonRecordDeserializer<T>(info)
            : throw new InvalidOperationException($"The JsonSerializerContext '{context.GetType().FullName}' has no metadata for '{typeof(T).FullName}'. Add [JsonSerializable(typeof({typeof(T).Name}))] to it.");
    }

    /// <summary>Uses reflection-based metadata with web defaults (camelCase, case-insensitive). Not trimming or AOT safe.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return new JsonRecordDeserializer<T>((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }
}
