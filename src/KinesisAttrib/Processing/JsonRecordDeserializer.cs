using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// Decodes UTF-8 JSON record data with System.Text.Json, straight from the record's bytes. A JSON object none of whose
/// properties is a property of <typeparamref name="T"/> is a deserialization failure, not an empty payload.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class JsonRecordDeserializer<T> : IRecordDeserializer<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly bool _allowNull;
    private readonly UnmatchedJsonObjectCheck? _unmatched;

    /// <summary>Uses source-generated (or otherwise resolved) metadata: reflection-free, Native AOT safe.</summary>
    /// <remarks>JSON <c>null</c> is a deserialization failure unless <typeparamref name="T"/> is a nullable value type.</remarks>
    public JsonRecordDeserializer(JsonTypeInfo<T> typeInfo)
        : this(typeInfo, allowNull: false)
    {
    }

    /// <summary>
    /// Uses source-generated (or otherwise resolved) metadata as given: reflection-free, Native AOT safe. Property names
    /// are matched as its options say (<see cref="JsonSerializerOptions.PropertyNameCaseInsensitive"/>).
    /// </summary>
    /// <param name="typeInfo">The payload's metadata.</param>
    /// <param name="allowNull">
    /// Whether JSON <c>null</c> is a valid payload (a handler taking a nullable type, e.g. <c>Order?</c>); otherwise it
    /// is a deserialization failure. Always true for a nullable value type.
    /// </param>
    public JsonRecordDeserializer(JsonTypeInfo<T> typeInfo, bool allowNull)
    {
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        _allowNull = allowNull || Nullable.GetUnderlyingType(typeof(T)) is not null;
        _unmatched = UnmatchedJsonObjectCheck.For(typeInfo);
    }

    /// <inheritdoc />
    public T Deserialize(KinesisClientRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var data = record.Data.Span;
        var value = JsonSerializer.Deserialize(data, _typeInfo);
        if (value is null)
        {
            return _allowNull
                ? value!
                : throw new JsonException($"Record {record.SequenceNumber} holds JSON null; the handler expects a {typeof(T).Name}.");
        }

        _unmatched?.ThrowIfNoPropertyMatches(data, record.SequenceNumber);
        return value;
    }
}

/// <summary>
/// Factories for <see cref="JsonRecordDeserializer{T}"/>. Property names match ignoring case unless
/// <c>caseSensitive</c> is true (a handler's <c>JsonPropertyNamesCaseSensitive</c>), with or without a context.
/// </summary>
public static class JsonRecordDeserializer
{
    // A context's options copied once per context (not per processor or record) for each way of matching names; the
    // table lets a context that is collected take its copy with it.
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> s_caseInsensitive = new();
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> s_caseSensitive = new();

    /// <summary>Uses the metadata a <see cref="JsonSerializerContext"/> has for <typeparamref name="T"/>; names match ignoring case.</summary>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(JsonSerializerContext context) => FromContext<T>(context, allowNull: false, caseSensitive: false);

    /// <summary>Uses the metadata a <see cref="JsonSerializerContext"/> has for <typeparamref name="T"/>; names match ignoring case.</summary>
    /// <param name="context">The context.</param>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(JsonSerializerContext context, bool allowNull) => FromContext<T>(context, allowNull, caseSensitive: false);

    /// <summary>
    /// Uses the metadata a <see cref="JsonSerializerContext"/> has for <typeparamref name="T"/>, with the context's
    /// options except for <see cref="JsonSerializerOptions.PropertyNameCaseInsensitive"/>, which
    /// <paramref name="caseSensitive"/> decides: an ordinary context (no options) matches case-sensitively, which would
    /// read every camelCase record as an empty object. Still reflection-free: the context resolves the metadata.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    /// <param name="caseSensitive">Whether property names must match exactly (strict); false (the default) ignores case, as ASP.NET Core does.</param>
    /// <exception cref="InvalidOperationException">The context does not know <typeparamref name="T"/>.</exception>
    public static JsonRecordDeserializer<T> FromContext<T>(JsonSerializerContext context, bool allowNull, bool caseSensitive)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Options.PropertyNameCaseInsensitive != caseSensitive
            ? context.Options
            : (caseSensitive ? s_caseSensitive : s_caseInsensitive).GetValue(context.Options, original => WithCaseInsensitivity(original, context, !caseSensitive));
        return options.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed
            ? new JsonRecordDeserializer<T>(typed, allowNull)
            : throw new InvalidOperationException($"The JsonSerializerContext '{context.GetType().FullName}' has no metadata for '{typeof(T).FullName}'. Add [JsonSerializable(typeof({typeof(T).Name}))] to it.");
    }

    /// <summary>Uses reflection-based metadata with web defaults (camelCase, case-insensitive). Not trimming or AOT safe.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>() => CreateReflectionBased<T>(allowNull: false, caseSensitive: false);

    /// <summary>Uses reflection-based metadata with web defaults (camelCase, case-insensitive). Not trimming or AOT safe.</summary>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>(bool allowNull) => CreateReflectionBased<T>(allowNull, caseSensitive: false);

    /// <summary>Uses reflection-based metadata with web defaults (camelCase names). Not trimming or AOT safe.</summary>
    /// <param name="allowNull">Whether JSON <c>null</c> is a valid payload (see <see cref="JsonRecordDeserializer{T}(JsonTypeInfo{T}, bool)"/>).</param>
    /// <param name="caseSensitive">Whether property names must match exactly (strict); false (the default) ignores case.</param>
    [RequiresUnreferencedCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    [RequiresDynamicCode("Reflection-based JSON; name a JsonSerializerContext on the handler for trimming and AOT.")]
    public static JsonRecordDeserializer<T> CreateReflectionBased<T>(bool allowNull, bool caseSensitive)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNameCaseInsensitive = !caseSensitive };
        options.MakeReadOnly(populateMissingResolver: true);
        return new JsonRecordDeserializer<T>((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)), allowNull);
    }

    /// <summary>The context's options with another name matching; the context stays the resolver, so no reflection.</summary>
    private static JsonSerializerOptions WithCaseInsensitivity(JsonSerializerOptions original, JsonSerializerContext context, bool caseInsensitive)
    {
        var options = new JsonSerializerOptions(original) { PropertyNameCaseInsensitive = caseInsensitive, TypeInfoResolver = context };
        options.MakeReadOnly();
        return options;
    }
}
