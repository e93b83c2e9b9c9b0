using KinesisAttrib.Shared;

namespace KinesisAttrib.Generators.Model;

/// <summary>
/// One understood <c>[KinesisHandler]</c> method: everything the emitter needs, as strings, enums and value-equal
/// collections only (no symbols or syntax), so the pipeline can cache it.
/// </summary>
/// <param name="HandlerType">The type declaring the method.</param>
/// <param name="HandlerTypeDisplayName">The declaring type as people read it, e.g. <c>Sample.Orders.OrderHandlers</c>.</param>
/// <param name="NameParts">Namespace segments, containing types and the type, from outermost: the raw material of the processor's name.</param>
/// <param name="MethodName">The method's name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="MethodSignature">The method with its parameter types, to order overloads deterministically.</param>
/// <param name="IsStatic">Whether the method is static (then no handler instance is resolved).</param>
/// <param name="Shape">Per record, per batch of payloads, or per batch of records.</param>
/// <param name="ReturnKind">What the method returns.</param>
/// <param name="PayloadType">The type one record is decoded to (the element type for batch handlers).</param>
/// <param name="Parameters">The method's parameters, in order, by what the processor passes to each.</param>
/// <param name="Format">How records are decoded: the payload type's natural format until assembly defaults are merged, then the final one.</param>
/// <param name="StreamName">The stream.</param>
/// <param name="Settings">The attribute's values (null where not set); after merging, with the assembly defaults filled in.</param>
/// <param name="Deserializer">The user's <c>IRecordDeserializer&lt;T&gt;</c> type, or null.</param>
/// <param name="PayloadIsNullable">The payload is a nullable reference type (<c>Order?</c>): JSON <c>null</c> is passed on as null.</param>
internal sealed record HandlerSpec(
    TypeRef HandlerType,
    string HandlerTypeDisplayName,
    EquatableArray<string> NameParts,
    string MethodName,
    string MethodSignature,
    bool IsStatic,
    HandlerShape Shape,
    ReturnKind ReturnKind,
    TypeRef PayloadType,
    EquatableArray<HandlerParameter> Parameters,
    PayloadFormatKind Format,
    string StreamName,
    AttributeSettings Settings,
    TypeRef? Deserializer,
    bool PayloadIsNullable = false)
{
    /// <summary>The name the descriptor carries for logs: <c>Namespace.Type.Method</c>.</summary>
    public string HandlerName => HandlerTypeDisplayName + "." + MethodName.TrimStart('@');

    /// <summary>Whether the handler takes a batch.</summary>
    public bool IsBatch => Shape != HandlerShape.Record;
}

/// <summary>One handler parameter: what it receives, and for a DI service its type.</summary>
/// <param name="Kind">What the processor passes.</param>
/// <param name="ServiceType">The service type when <paramref name="Kind"/> is <see cref="ParameterKind.Service"/> (without a nullable annotation).</param>
/// <param name="IsOptional">
/// For a service: the parameter is nullable or defaults to null, so it is resolved with <c>GetService</c> (null when
/// not registered) rather than <c>GetRequiredService</c>, whose <c>notnull</c> constraint a nullable type would break.
/// </param>
internal sealed record HandlerParameter(ParameterKind Kind, TypeRef? ServiceType, bool IsOptional = false);

/// <summary>The assembly's <c>[KinesisHandlerDefaults]</c>; <paramref name="IsValid"/> false when it names something unusable (then no handler is generated).</summary>
internal sealed record HandlerDefaults(AttributeSettings Settings, bool IsValid)
{
    public static HandlerDefaults None { get; } = new(AttributeSettings.None, true);
}

/// <summary>A handler together with the unique name of the processor generated for it.</summary>
/// <param name="Handler">The handler.</param>
/// <param name="ProcessorName">The processor class name, unique in the compilation.</param>
internal sealed record NamedHandler(HandlerSpec Handler, string ProcessorName)
{
    /// <summary>The processor's fully qualified name.</summary>
    public string ProcessorFullyQualifiedName => "global::" + KnownTypeNames.GeneratedNamespace + "." + ProcessorName;

    /// <summary>The hint name of the processor's file.</summary>
    public string HintName => ProcessorName + ".g.cs";
}
