using System.Linq;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Mirrors <c>KinesisHandlerGenerator.Parser.TryParse</c> check for check, in the same order, but says why instead of
/// returning null. When the parser learns a new shape, this class must learn it in the same commit.
/// </summary>
internal static class HandlerShapeRules
{
    private const string SupportedShapeHint = "; the supported shape is (T payload, RecordContext record, CancellationToken cancellationToken)";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>Why the generator skips <paramref name="method"/>, or null when it generates a processor for it.</summary>
    public static string? GetUnsupportedReason(IMethodSymbol method, AttributeData attribute, KnownTypes types)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return $"it is {DescribeKind(method.MethodKind)}; only ordinary methods declared in a class can be handlers";
        }

        if (method.IsGenericMethod)
        {
            return "it is generic; a handler cannot have type parameters (give the payload a concrete type)";
        }

        if (method.IsAbstract)
        {
            return "it is abstract; a handler needs a body the generated processor can call";
        }

        return GetTypeReason(method)
            ?? GetAccessibilityReason(method, types.Compilation)
            ?? GetReturnReason(method, types)
            ?? GetParametersReason(method, types)
            ?? GetAttributeReason(attribute, types);
    }

    private static string DescribeKind(MethodKind kind) => kind switch
    {
        MethodKind.LocalFunction => "a local function",
        MethodKind.AnonymousFunction => "a lambda",
        MethodKind.PropertyGet or MethodKind.PropertySet => "a property accessor",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => "an event accessor",
        MethodKind.UserDefinedOperator or MethodKind.Conversion => "an operator",
        MethodKind.ExplicitInterfaceImplementation => "an explicit interface implementation",
        MethodKind.Destructor => "a finalizer",
        _ => "not an ordinary method",
    };

    private static string? GetTypeReason(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var name = type.ToDisplayString(s_typeFormat);
        if (type.TypeKind != TypeKind.Class)
        {
            return $"it is declared in {DescribeTypeKind(type)} '{name}'; handlers must be declared in a class";
        }

        // Instance handlers are resolved from DI (TryAddScoped<T>), which needs a concrete class.
        if (!method.IsStatic && type.IsStatic)
        {
            return $"it is an instance method of static class '{name}'; make the method static";
        }

        if (!method.IsStatic && type.IsAbstract)
        {
            return $"it is an instance method of abstract class '{name}', which dependency injection cannot create; make the class concrete or the method static";
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                // IsGenericType is also true for a type nested in a generic one: name the type that has the parameters.
                var generic = current;
                while (generic.TypeParameters.IsEmpty && generic.ContainingType is { } outer)
                {
                    generic = outer;
                }

                return $"{DescribeRole(generic, type)} '{generic.ToDisplayString(s_typeFormat)}' is generic; declare handlers in a non-generic class";
            }

            if (!IsAccessible(current.DeclaredAccessibility))
            {
                return $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is {DescribeAccessibility(current.DeclaredAccessibility)}, "
                    + "so the generated code cannot reach it; make it internal or public";
            }

            // Not a parser check: the parser lets it through (it is accessible within the assembly), but the generated
            // code lives in another file and would not compile.
            if (current.IsFileLocal)
            {
                return $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is file-local, "
                    + "so the generated code (in another file) cannot reach it; make it internal or public";
            }
        }

        return null;
    }

    private static string DescribeRole(INamedTypeSymbol current, INamedTypeSymbol handlerType) =>
        current.Equals(handlerType, SymbolEqualityComparer.Default) ? "its class" : "its containing type";

    private static string DescribeTypeKind(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct when type.IsRecord => "record struct",
        TypeKind.Struct => "struct",
        TypeKind.Interface => "interface",
        _ => type.TypeKind.ToString().ToLowerInvariant(),
    };

    private static string? GetAccessibilityReason(IMethodSymbol method, Compilation compilation)
    {
        if (!IsAccessible(method.DeclaredAccessibility))
        {
            return $"it is {DescribeAccessibility(method.DeclaredAccessibility)}, so the generated code cannot call it; make it internal or public";
        }

        // Catches what declared accessibility alone does not, e.g. a handler in a file-local class.
        return compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
            ? null
            : "it is not accessible from other files of its assembly, so the generated code cannot call it; make it and its class internal or public";
    }

    private static bool IsAccessible(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static string DescribeAccessibility(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not accessible",
    };

    private static string? GetReturnReason(IMethodSymbol method, KnownTypes types)
    {
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return "it returns by reference; handlers must return System.Threading.Tasks.Task";
        }

        if (method.ReturnType.Equals(types.Task, SymbolEqualityComparer.Default))
        {
            return null;
        }

        if (method.ReturnsVoid)
        {
            return method.IsAsync
                ? "it is 'async void', so failures could not be seen and records would be checkpointed before they are processed; return Task"
                : "it returns void; handlers must return System.Threading.Tasks.Task";
        }

        return $"it returns '{method.ReturnType.ToDisplayString(s_typeFormat)}'; handlers must return System.Threading.Tasks.Task (not ValueTask or Task<T>)";
    }

    private static string? GetParametersReason(IMethodSymbol method, KnownTypes types)
    {
        if (types.RecordContext is null || types.CancellationToken is null)
        {
            return "the compilation does not define KinesisAttrib.Handlers.RecordContext or System.Threading.CancellationToken";
        }

        IParameterSymbol? payload = null;
        var kinds = new ParameterKind[method.Parameters.Length];
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None)
            {
                return $"parameter '{parameter.Name}' is passed by reference ({DescribeRefKind(parameter.RefKind)}); pass it by value" + SupportedShapeHint;
            }

            if (parameter.IsParams)
            {
                return $"parameter '{parameter.Name}' is 'params'" + SupportedShapeHint;
            }

            if (parameter.Type.Equals(types.RecordContext, SymbolEqualityComparer.Default))
            {
                kinds[i] = ParameterKind.RecordContext;
            }
            else if (parameter.Type.Equals(types.CancellationToken, SymbolEqualityComparer.Default))
            {
                kinds[i] = ParameterKind.CancellationToken;
            }
            else
            {
                if (payload is not null)
                {
                    return $"parameter '{parameter.Name}' is a second payload after '{payload.Name}'; a handler takes one payload" + SupportedShapeHint;
                }

                if (GetPayloadTypeReason(parameter.Type, types) is { } payloadReason)
                {
                    return $"parameter '{parameter.Name}' {payloadReason}";
                }

                payload = parameter;
                kinds[i] = ParameterKind.Payload;
            }
        }

        if (kinds.Length == 3
            && kinds[0] == ParameterKind.Payload
            && kinds[1] == ParameterKind.RecordContext
            && kinds[2] == ParameterKind.CancellationToken)
        {
            return null;
        }

        var actual = kinds.Length == 0 ? "none" : "(" + string.Join(", ", kinds.Select(Describe)) + ")";
        return $"its parameters are {actual}" + SupportedShapeHint + ", in this order";
    }

    private static string Describe(ParameterKind kind) => kind switch
    {
        ParameterKind.Payload => "payload",
        ParameterKind.RecordContext => "RecordContext",
        _ => "CancellationToken",
    };

    private static string DescribeRefKind(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => "ref readonly",
    };

    private static string? GetPayloadTypeReason(ITypeSymbol type, KnownTypes types)
    {
        var name = type.ToDisplayString(s_typeFormat);
        switch (type.TypeKind)
        {
            case TypeKind.Error:
                return $"has type '{name}', which does not resolve";
            case TypeKind.Dynamic:
                return "is 'dynamic'; the payload must be a concrete type to deserialize into";
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return $"has pointer type '{name}', which cannot be a payload";
            case TypeKind.TypeParameter:
                return $"has type parameter type '{name}'; the payload must be a concrete type";
        }

        if (type.IsRefLikeType)
        {
            return $"has ref struct type '{name}', which cannot be a payload";
        }

        if (IsRawPayloadType(type, types))
        {
            return $"has type '{name}', a raw payload format (text, bytes or the record itself) that the generator does not support yet; "
                + "use a type the payload's JSON deserializes into";
        }

        return types.Compilation.IsSymbolAccessibleWithin(type, types.Compilation.Assembly)
            ? null
            : $"has type '{name}', which the generated code cannot reach; make it internal or public";
    }

    // Kept equal to the parser's IsRawPayloadType: these formats will get their own decoding, not JSON.
    private static bool IsRawPayloadType(ITypeSymbol type, KnownTypes types)
    {
        if (type.SpecialType == SpecialType.System_String
            || type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte }
            || type.Equals(types.KinesisClientRecord, SymbolEqualityComparer.Default))
        {
            return true;
        }

        return type is INamedTypeSymbol { IsGenericType: true } named
            && named.TypeArguments[0].SpecialType == SpecialType.System_Byte
            && (named.OriginalDefinition.Equals(types.ReadOnlyMemory, SymbolEqualityComparer.Default)
                || named.OriginalDefinition.Equals(types.Memory, SymbolEqualityComparer.Default));
    }

    private static string? GetAttributeReason(AttributeData attribute, KnownTypes types)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case KnownTypeNames.ApplicationNameProperty:
                    break;
                case KnownTypeNames.InitialPositionProperty when argument.Value.Value is int:
                    break;
                case KnownTypeNames.JsonSerializerContextProperty:
                    if (argument.Value.Value is not null
                        && (argument.Value.Value is not INamedTypeSymbol contextType || !IsJsonSerializerContext(contextType, types)))
                    {
                        var name = (argument.Value.Value as ITypeSymbol)?.ToDisplayString(s_typeFormat) ?? "?";
                        return $"JsonSerializerContext '{name}' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext";
                    }

                    break;
                default:
                    return $"the attribute sets '{argument.Key}', which this generator version does not support";
            }
        }

        return null;
    }

    private static bool IsJsonSerializerContext(INamedTypeSymbol type, KnownTypes types)
    {
        if (types.JsonSerializerContext is null
            || type.TypeKind != TypeKind.Class
            || type.IsAbstract
            || type.IsGenericType
            || !types.Compilation.IsSymbolAccessibleWithin(type, types.Compilation.Assembly))
        {
            return false;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.Equals(types.JsonSerializerContext, SymbolEqualityComparer.Default))
            {
                return true;
            }
        }

        return false;
    }

    private enum ParameterKind
    {
        Payload,
        RecordContext,
        CancellationToken,
    }
}
