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
/// <param name="ReturnKind">What the method returns.</param>
/// <param name="PayloadType">The type records are decoded to.</param>
/// <param name="Parameters">The method's parameters, in order, by what the processor passes to each.</param>
/// <param name="StreamName">The stream.</param>
/// <param name="ApplicationName">The application name, or null when the attribute leaves it to the options.</param>
/// <param name="InitialPosition">The numeric value of the attribute's <c>InitialPosition</c>.</param>
/// <param name="JsonSerializerContext">The <c>JsonSerializerContext</c> named on the attribute, or null for reflection-based JSON.</param>
internal sealed record HandlerSpec(
    TypeRef HandlerType,
    string HandlerTypeDisplayName,
    EquatableArray<string> NameParts,
    string MethodName,
    string MethodSignature,
    bool IsStatic,
    HandlerReturnKind ReturnKind,
    TypeRef PayloadType,
    EquatableArray<HandlerParameterKind> Parameters,
    string StreamName,
    string? ApplicationName,
    int InitialPosition,
    TypeRef? JsonSerializerContext)
{
    /// <summary>The name the descriptor carries for logs: <c>Namespace.Type.Method</c>.</summary>
    public string HandlerName => HandlerTypeDisplayName + "." + MethodName.TrimStart('@');
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

/// <summary>What a handler parameter receives from the processor.</summary>
internal enum HandlerParameterKind
{
    /// <summary>The decoded record payload.</summary>
    Payload,

    /// <summary>The record's <c>RecordContext</c>.</summary>
    RecordContext,

    /// <summary>The processor's cancellation token.</summary>
    CancellationToken,
}

/// <summary>What a handler returns; the processor adapts each to a <c>ValueTask</c>.</summary>
internal enum HandlerReturnKind
{
    /// <summary><c>System.Threading.Tasks.Task</c>.</summary>
    Task,
}
