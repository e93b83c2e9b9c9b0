using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Mirrors <c>KinesisHandlerGenerator.Parser.TryParse</c> check for check, in the same order, but says why instead of
/// returning null. When the parser learns a new shape, this class must learn it in the same commit.
/// </summary>
internal static class HandlerShapeRules
{
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

        if ((GetTypeReason(method) ?? GetAccessibilityReason(method, types.Compilation)) is { } reason)
        {
            return reason;
        }

        return GetSignatureReason(method, types, out var signature) ?? GetAttributeReason(attribute, signature!, types);
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

    /// <summary>Return type and parameters: the rules shared with the generator (<see cref="HandlerSignature"/>).</summary>
    private static string? GetSignatureReason(IMethodSymbol method, KnownTypes types, out Signature? signature) =>
        HandlerSignature.Classify(method, types.Compilation, out signature);

    /// <summary>The attribute's values, merged over the assembly's <c>[KinesisHandlerDefaults]</c> as the generator does, then the shared checks.</summary>
    private static string? GetAttributeReason(AttributeData attribute, Signature signature, KnownTypes types)
    {
        if (ReadSettings(attribute, types, allowDeserializer: true, out var settings, out var deserializer) is { } reason)
        {
            return reason;
        }

        var defaults = new Settings();
        if (types.DefaultsAttribute is { } defaultsType)
        {
            foreach (var assemblyAttribute in types.Compilation.Assembly.GetAttributes())
            {
                if (assemblyAttribute.AttributeClass is { } cls && cls.Equals(defaultsType, SymbolEqualityComparer.Default)
                    && ReadSettings(assemblyAttribute, types, allowDeserializer: false, out defaults, out _) is { } defaultsReason)
                {
                    return "[assembly: KinesisHandlerDefaults] is unusable: " + defaultsReason;
                }
            }
        }

        if (deserializer is not null && HandlerSignature.DeserializerReason(deserializer, signature.PayloadType, types.Compilation) is { } deserializerReason)
        {
            return deserializerReason;
        }

        return HandlerSettingsRules.Validate(
            settings.InitialPosition ?? defaults.InitialPosition ?? 0,
            settings.InitialTimestamp ?? (HandlerSettingsRules.Inherits(settings.InitialPosition, HandlerSettingsRules.AtTimestamp) ? defaults.InitialTimestamp : null),
            settings.CheckpointMode ?? defaults.CheckpointMode ?? 0,
            settings.CheckpointEveryRecords ?? (HandlerSettingsRules.Inherits(settings.CheckpointMode, HandlerSettingsRules.CheckpointPeriodic) ? defaults.CheckpointEveryRecords : null) ?? 0,
            settings.CheckpointIntervalSeconds ?? (HandlerSettingsRules.Inherits(settings.CheckpointMode, HandlerSettingsRules.CheckpointPeriodic) ? defaults.CheckpointIntervalSeconds : null) ?? 0,
            settings.MaxRecords ?? defaults.MaxRecords,
            settings.IdleTimeBetweenReadsMilliseconds ?? defaults.IdleTimeBetweenReadsMilliseconds,
            settings.PayloadFormat ?? defaults.PayloadFormat ?? 0,
            settings.DeserializationFailurePolicy ?? defaults.DeserializationFailurePolicy ?? 0,
            deserializer is not null,
            signature.NaturalFormat,
            out _);
    }

    private static string? ReadSettings(AttributeData attribute, KnownTypes types, bool allowDeserializer, out Settings settings, out ITypeSymbol? deserializer)
    {
        settings = new Settings();
        deserializer = null;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value.Value;
            switch (argument.Key)
            {
                case KnownTypeNames.ApplicationNameProperty:
                case KnownTypeNames.MaxRetryAttemptsProperty:
                case KnownTypeNames.BisectBatchOnErrorProperty:
                case KnownTypeNames.MaxRecordAgeSecondsProperty:
                case KnownTypeNames.RetryDelayMillisecondsProperty:
                case KnownTypeNames.MaxRetryDelayMillisecondsProperty:
                case KnownTypeNames.FailureDestinationProperty:
                    break;
                case KnownTypeNames.InitialTimestampProperty:
                    settings.InitialTimestamp = value as string;
                    break;
                case KnownTypeNames.InitialPositionProperty when value is int position:
                    settings.InitialPosition = position;
                    break;
                case KnownTypeNames.CheckpointModeProperty when value is int mode:
                    settings.CheckpointMode = mode;
                    break;
                case KnownTypeNames.CheckpointEveryRecordsProperty when value is int records:
                    settings.CheckpointEveryRecords = records;
                    break;
                case KnownTypeNames.CheckpointIntervalSecondsProperty when value is int seconds:
                    settings.CheckpointIntervalSeconds = seconds;
                    break;
                case KnownTypeNames.MaxRecordsProperty when value is int maxRecords:
                    settings.MaxRecords = maxRecords;
                    break;
                case KnownTypeNames.IdleTimeBetweenReadsMillisecondsProperty when value is int idle:
                    settings.IdleTimeBetweenReadsMilliseconds = idle;
                    break;
                case KnownTypeNames.PayloadFormatProperty when value is int format:
                    settings.PayloadFormat = format;
                    break;
                case KnownTypeNames.DeserializationFailurePolicyProperty when value is int policy:
                    settings.DeserializationFailurePolicy = policy;
                    break;
                case KnownTypeNames.JsonSerializerContextProperty:
                    if (value is not null && (value is not INamedTypeSymbol contextType || !IsJsonSerializerContext(contextType, types)))
                    {
                        var name = (value as ITypeSymbol)?.ToDisplayString(s_typeFormat) ?? "?";
                        return $"JsonSerializerContext '{name}' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext";
                    }

                    break;
                case KnownTypeNames.DeserializerProperty when allowDeserializer:
                    deserializer = value as ITypeSymbol;
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
            || !HandlerSignature.IsVisibleToGeneratedCode(type, types.Compilation))
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

    /// <summary>One attribute's values; null where not set.</summary>
    private sealed class Settings
    {
        public int? InitialPosition { get; set; }

        public string? InitialTimestamp { get; set; }

        public int? CheckpointMode { get; set; }

        public int? CheckpointEveryRecords { get; set; }

        public int? CheckpointIntervalSeconds { get; set; }

        public int? MaxRecords { get; set; }

        public int? IdleTimeBetweenReadsMilliseconds { get; set; }

        public int? PayloadFormat { get; set; }

        public int? DeserializationFailurePolicy { get; set; }
    }
}
