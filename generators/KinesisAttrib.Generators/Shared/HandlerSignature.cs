using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Shared;

/// <summary>
/// The handler shape rules, shared as source by the generator (which generates what they accept) and the analyzers
/// (which report, as KA1xxx errors, why they reject a method), so the two cannot disagree. A method's return type and
/// parameters are classified here; type, accessibility and attribute checks stay with each caller.
/// </summary>
internal static class HandlerSignature
{
    public const string SupportedShapes =
        "a handler takes a payload T, an IReadOnlyList<T> or an IReadOnlyList<KinesisRecord<T>>, then any of RecordContext (per-record handlers), "
        + "BatchContext, IRecordProcessorCheckpointer, CancellationToken and DI services, and returns Task, ValueTask or void "
        + "(a batch handler may also return BatchResult, Task<BatchResult> or ValueTask<BatchResult>)";

    /// <summary>Classifies the return type and parameters; returns why the method is not a handler, or null and the signature.</summary>
    public static HandlerProblem? Classify(IMethodSymbol method, KnownSymbols symbols, out Signature? signature)
    {
        signature = null;
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return new(HandlerRule.Shape, "it returns by reference; " + SupportedShapes);
        }

        var kinds = ImmutableArray.CreateBuilder<ParameterKind>(method.Parameters.Length);
        var services = ImmutableArray.CreateBuilder<ITypeSymbol?>(method.Parameters.Length);
        IParameterSymbol? payload = null;
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                return new(HandlerRule.UnsupportedParameter, $"parameter '{parameter.Name}' is passed by reference; pass it by value", parameter: parameter.Name);
            }

            if (parameter.IsParams)
            {
                return new(HandlerRule.UnsupportedParameter, $"parameter '{parameter.Name}' is 'params'; " + SupportedShapes, parameter: parameter.Name);
            }

            var kind = ClassifySpecial(parameter.Type, symbols);
            if (kind is null && payload is null)
            {
                payload = parameter;
                kind = ParameterKind.Payload;
            }
            else if (kind is null)
            {
                if (TypeReason(parameter.Type, symbols, "a service") is { } serviceReason)
                {
                    return new(serviceReason.Rule, $"parameter '{parameter.Name}' {serviceReason.Message}", parameter: parameter.Name);
                }

                if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is not null)
                {
                    // Services come from DI; the default would never be used (an unregistered service fails every record).
                    return new(HandlerRule.UnsupportedParameter, $"parameter '{parameter.Name}' is a service from dependency injection with a default value other than null, which would never be used; register the value as a service, or make the parameter nullable with default null to make it optional", parameter: parameter.Name);
                }

                if (IsPayloadLike(parameter.Type, payload!.Type, symbols))
                {
                    // It would be resolved from DI, where nobody registers such a type: every record would fail (or, for
                    // an optional parameter, always receive null).
                    return new(
                        HandlerRule.MultiplePayloads,
                        $"parameters '{payload.Name}' and '{parameter.Name}' both look like payloads, but a handler has one payload (the first parameter that is not a context type); "
                        + $"'{parameter.Name}' would be resolved from dependency injection. Take one payload, or IReadOnlyList<T> for a batch",
                        parameter: parameter.Name);
                }

                kind = ParameterKind.Service;
            }

            kinds.Add(kind.Value);
            services.Add(kind == ParameterKind.Service ? parameter.Type : null);
        }

        if (payload is null)
        {
            return new(HandlerRule.Shape, "it has no payload parameter; " + SupportedShapes);
        }

        var shape = HandlerShape.Record;
        var element = payload.Type;
        if (IsGeneric(payload.Type, symbols.ReadOnlyList, out var listElement))
        {
            shape = HandlerShape.Batch;
            element = listElement!;
            if (IsGeneric(element, symbols.KinesisRecord, out var recordPayload))
            {
                shape = HandlerShape.BatchOfRecords;
                element = recordPayload!;
            }
        }

        if (shape == HandlerShape.Record && IsGeneric(element, symbols.KinesisRecord, out _))
        {
            // It would be decoded as JSON, record by record, and fail on every one.
            return new(HandlerRule.UnsupportedParameter, $"parameter '{payload.Name}' is a KinesisRecord<T>, which batch handlers receive in an IReadOnlyList<KinesisRecord<T>>; a per-record handler takes T and a RecordContext", parameter: payload.Name);
        }

        if (TypeReason(element, symbols, "a payload") is { } payloadReason)
        {
            return new(payloadReason.Rule, $"parameter '{payload.Name}' {payloadReason.Message}", parameter: payload.Name);
        }

        if (IsGeneric(element, symbols.Memory, out var memoryElement) && memoryElement!.SpecialType == SpecialType.System_Byte)
        {
            return new(HandlerRule.UnsupportedParameter, $"parameter '{payload.Name}' is Memory<byte>; take ReadOnlyMemory<byte> (the record's bytes, no copy) or byte[] (a copy you may change)", parameter: payload.Name);
        }

        if (shape != HandlerShape.Record)
        {
            for (var i = 0; i < kinds.Count; i++)
            {
                if (kinds[i] == ParameterKind.RecordContext)
                {
                    return new(HandlerRule.UnsupportedParameter, $"parameter '{method.Parameters[i].Name}' is a RecordContext, but a batch handler has no single record; take IReadOnlyList<KinesisRecord<T>> for each record's context, or BatchContext", parameter: method.Parameters[i].Name);
                }
            }
        }

        var returnKind = ClassifyReturn(method.ReturnType, symbols);
        if (returnKind is null)
        {
            return new(method.ReturnType.TypeKind == TypeKind.Error ? HandlerRule.Unresolved : HandlerRule.Shape, $"it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}'; " + SupportedShapes);
        }

        if (returnKind == ReturnKind.Void && method.IsAsync)
        {
            return new(HandlerRule.AsyncVoid, "it is 'async void', so failures could not be seen and records would be checkpointed before they are processed; return Task or ValueTask");
        }

        if (shape == HandlerShape.Record && returnKind is ReturnKind.BatchResult or ReturnKind.TaskOfBatchResult or ReturnKind.ValueTaskOfBatchResult)
        {
            return new(HandlerRule.Shape, "it returns a BatchResult, which only batch handlers (taking IReadOnlyList<T>) can return");
        }

        signature = new Signature(shape, element, returnKind.Value, kinds.ToImmutable(), services.ToImmutable(), NaturalFormat(element, symbols));
        return null;
    }

    /// <summary>Why a type cannot be a payload or service here, or null.</summary>
    private static HandlerProblem? TypeReason(ITypeSymbol type, KnownSymbols symbols, string role)
    {
        var name = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        switch (type.TypeKind)
        {
            case TypeKind.Error:
                return new(HandlerRule.Unresolved, $"has type '{name}', which does not resolve");
            case TypeKind.Dynamic:
                return new(HandlerRule.UnsupportedParameter, $"is 'dynamic'; {role} must be a concrete type");
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return new(HandlerRule.UnsupportedParameter, $"has pointer type '{name}', which cannot be {role}");
            case TypeKind.TypeParameter:
                return new(HandlerRule.Generic, $"has type parameter type '{name}'; {role} must be a concrete type");
        }

        if (type.IsRefLikeType)
        {
            return new(HandlerRule.UnsupportedParameter, $"has ref struct type '{name}', which cannot be {role}");
        }

        if (type.SpecialType == SpecialType.System_Void)
        {
            return new(HandlerRule.UnsupportedParameter, $"has type void, which cannot be {role}");
        }

        return IsVisibleToGeneratedCode(type, symbols.Compilation)
            ? null
            : new(HandlerRule.Inaccessible, $"has type '{name}', which the generated code cannot reach; make it internal or public (and not file-local)");
    }

    /// <summary>
    /// Whether a generated file (outside every user type, in another file) can name the type: accessible in the
    /// assembly and, unlike what <c>IsSymbolAccessibleWithin</c> checks, not <c>file</c>-local anywhere inside.
    /// </summary>
    public static bool IsVisibleToGeneratedCode(ITypeSymbol type, Compilation compilation) =>
        compilation.IsSymbolAccessibleWithin(type, compilation.Assembly) && !MentionsFileLocalType(type);

    private static bool MentionsFileLocalType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => MentionsFileLocalType(array.ElementType),
        INamedTypeSymbol named => IsOrIsInFileLocalType(named) || named.TypeArguments.Any(MentionsFileLocalType),
        _ => false,
    };

    private static bool IsOrIsInFileLocalType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a parameter that would be resolved from DI is really a second payload: the payload's own type, a type only
    /// records decode to (text, bytes, the raw record), or a list or KinesisRecord of something. Nobody registers those as
    /// services, so the generated processor would fail on every record.
    /// </summary>
    private static bool IsPayloadLike(ITypeSymbol type, ITypeSymbol payload, KnownSymbols symbols) =>
        SymbolEqualityComparer.Default.Equals(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), payload.WithNullableAnnotation(NullableAnnotation.NotAnnotated))
        || type.SpecialType == SpecialType.System_String
        || type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte }
        || (IsGeneric(type, symbols.ReadOnlyMemory, out var memory) && memory!.SpecialType == SpecialType.System_Byte)
        || Is(type, symbols.KinesisClientRecord)
        || IsGeneric(type, symbols.ReadOnlyList, out _)
        || IsGeneric(type, symbols.KinesisRecord, out _);

    private static ParameterKind? ClassifySpecial(ITypeSymbol type, KnownSymbols symbols)
    {
        if (Is(type, symbols.RecordContext))
        {
            return ParameterKind.RecordContext;
        }

        if (Is(type, symbols.BatchContext))
        {
            return ParameterKind.BatchContext;
        }

        if (Is(type, symbols.Checkpointer))
        {
            return ParameterKind.Checkpointer;
        }

        if (Is(type, symbols.CancellationToken))
        {
            return ParameterKind.CancellationToken;
        }

        return Is(type, symbols.IServiceProvider) ? ParameterKind.ServiceProvider : null;
    }

    private static ReturnKind? ClassifyReturn(ITypeSymbol type, KnownSymbols symbols)
    {
        if (type.SpecialType == SpecialType.System_Void)
        {
            return ReturnKind.Void;
        }

        if (Is(type, symbols.Task))
        {
            return ReturnKind.Task;
        }

        if (Is(type, symbols.ValueTask))
        {
            return ReturnKind.ValueTask;
        }

        if (Is(type, symbols.BatchResult))
        {
            return ReturnKind.BatchResult;
        }

        if (IsGeneric(type, symbols.TaskOfT, out var taskResult) && Is(taskResult!, symbols.BatchResult))
        {
            return ReturnKind.TaskOfBatchResult;
        }

        if (IsGeneric(type, symbols.ValueTaskOfT, out var valueTaskResult) && Is(valueTaskResult!, symbols.BatchResult))
        {
            return ReturnKind.ValueTaskOfBatchResult;
        }

        return null;
    }

    /// <summary>The format <c>PayloadFormat.Auto</c> picks for a payload type.</summary>
    private static PayloadFormatKind NaturalFormat(ITypeSymbol type, KnownSymbols symbols)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return PayloadFormatKind.Text;
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
        {
            return PayloadFormatKind.ByteArray;
        }

        if (IsGeneric(type, symbols.ReadOnlyMemory, out var memoryElement) && memoryElement!.SpecialType == SpecialType.System_Byte)
        {
            return PayloadFormatKind.Memory;
        }

        return Is(type, symbols.KinesisClientRecord) ? PayloadFormatKind.Record : PayloadFormatKind.Json;
    }

    /// <summary>Whether <paramref name="type"/> implements <c>IRecordDeserializer&lt;payload&gt;</c> and can be created.</summary>
    public static HandlerProblem? DeserializerReason(ITypeSymbol? type, ITypeSymbol payload, KnownSymbols symbols)
    {
        var name = type?.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) ?? "?";
        if (type is not INamedTypeSymbol named || named.TypeKind != TypeKind.Class || named.IsAbstract || named.IsStatic || named.IsUnboundGenericType
            || !IsVisibleToGeneratedCode(named, symbols.Compilation))
        {
            return new(HandlerRule.Deserializer, $"Deserializer '{name}' is not a concrete, accessible class", property: RuntimeContract.DeserializerProperty);
        }

        var contract = symbols.RecordDeserializer;
        foreach (var implemented in named.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, contract)
                && SymbolEqualityComparer.Default.Equals(implemented.TypeArguments[0], payload))
            {
                return null;
            }
        }

        return new(HandlerRule.Deserializer, $"Deserializer '{name}' does not implement IRecordDeserializer<{payload.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}>", property: RuntimeContract.DeserializerProperty);
    }

    /// <summary>Whether an attribute's <c>InitialTimestamp</c> text is an ISO 8601 time (the runtime parses it the same way).</summary>
    public static bool TryParseTimestamp(string? text, out System.DateTimeOffset value) =>
        System.DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    private static bool Is(ITypeSymbol type, INamedTypeSymbol? known) => SymbolEqualityComparer.Default.Equals(type, known);

    private static bool IsGeneric(ITypeSymbol type, INamedTypeSymbol? known, out ITypeSymbol? argument)
    {
        argument = null;
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known))
        {
            argument = named.TypeArguments[0];
            return true;
        }

        return false;
    }
}

/// <summary>A classified handler signature (symbols: used at once by the caller, never kept in a pipeline model).</summary>
/// <param name="Shape">Per record, per batch of payloads, or per batch of records.</param>
/// <param name="PayloadType">The payload of one record (the element type for batch handlers).</param>
/// <param name="ReturnKind">What the method returns.</param>
/// <param name="Parameters">What each parameter receives.</param>
/// <param name="ServiceTypes">For each parameter, its type when it is a DI service, else null.</param>
/// <param name="NaturalFormat">The payload format <c>PayloadFormat.Auto</c> picks for the payload type.</param>
internal sealed record Signature(
    HandlerShape Shape,
    ITypeSymbol PayloadType,
    ReturnKind ReturnKind,
    ImmutableArray<ParameterKind> Parameters,
    ImmutableArray<ITypeSymbol?> ServiceTypes,
    PayloadFormatKind NaturalFormat);

/// <summary>Per record, or per batch of payloads, or per batch of payload-and-context records.</summary>
internal enum HandlerShape
{
    Record,
    Batch,
    BatchOfRecords,
}

/// <summary>What a handler parameter receives.</summary>
internal enum ParameterKind
{
    Payload,
    RecordContext,
    BatchContext,
    Checkpointer,
    CancellationToken,
    ServiceProvider,
    Service,
}

/// <summary>What a handler returns.</summary>
internal enum ReturnKind
{
    Void,
    Task,
    ValueTask,
    BatchResult,
    TaskOfBatchResult,
    ValueTaskOfBatchResult,
}

/// <summary>How a record's bytes become the payload (the generated deserializer).</summary>
internal enum PayloadFormatKind
{
    Json,
    Text,
    ByteArray,
    Memory,
    Record,
    Custom,
}
