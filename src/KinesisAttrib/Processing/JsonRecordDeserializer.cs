using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>Decodes UTF-8 JSON record data with System.Text.Json, straight from the record's bytes.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class JsonRecordDeserializer<T> : IRecordDeserializer<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly bool _allowNull;

    /// <summary>Uses source-generated (or otherwise resolved) metadata: reflection-free, Native AOT safe.</summary>
    /// <remarks>JSON <c>null</c> is a deserialization failure unless <typeparamref name="T"/> is a nullable value type.</remarks>
    public JsonRecordDeserializer(JsonTypeInfo<T> typeInfo)
        : this(typeInfo, allowNull: false)
    {
    }

    /// <summary>Uses source-generated (or otherwise resolved) metadata: reflection-free, Native AOT safe.</summary>
    /// <param name="typeInfo">The payload's metadata.</param>
    /// <param name="allowNull">
    /// Whether JSON <c>null</c> is a valid payload (a handler taking a nullable type, e.g. <c>Order?</c>); otherwise it
    /// is a deserialization failure. Always true for a nullable value type.
    /// </param>
    public JsonRecordDeserializer(JsonTypeInfo<T> typeInfo, bool allowNull)
    {
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        _allowNull = allowNull || Nullable.GetUnderlyingType(typeof(T)) is not null;
    }

    /// <inheritdoc />
    public T Deserialize(KinesisClientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = JsonSerializer.Deserialize(record.Data.Span, _typeInfo);
        return value is null && !_allowNull
            ? throw new JsonException($"Record {record.SequenceNumber} holds JSON null; the handler expects a {typeof(T).Name}.")
            : value!;
    }
}

/// <summary>Factories for <see cref="JsonRecordDeserializer{T}"/>.</summary>
public static class JsonRecordDeserializer
{
    /// <summary>Uses the metadata a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> has for <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(System.Text.Json.Serialization.JsonSerializerContext context) => FromContext<T>(context, allowNull: false);

    /// <summary>Uses the metadata a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> has for <typeparamref name="T"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(System.Text.Json.Serialization.JsonSerializerContext context, bool allowNull)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> info
            ? new JsonRecordDeserializer<T>(info, allowNull)
            : throw new InvalidOperationException($"The JsonSerializerContext '{context.GetType().FullName}' has no metadata for '{typeof(T).FullName}'. Add [JsonSerializable(typeof({typeof(T).Name}))] to it.");
    }

    /// <summary>Uses reflection-based metadata with web defaults (camelCase, case-insensitive). Not trimming or AOT safe.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>() => CreateReflectionBased<T>(allowNull: false);

    /// <summary>Uses reflection-based metadata with web defaults (camelCase, case-insensitive). Not trimming or AOT safe.</summary>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>(bool allowNull)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return new JsonRecordDeserializer<T>((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)), allowNull);
    }
}
