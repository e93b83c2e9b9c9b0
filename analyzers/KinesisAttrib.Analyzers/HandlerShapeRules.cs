using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>
/// Mirrors <c>KinesisHandlerGenerator.Parser.TryParse</c> (and <c>Resolve</c>) check for check, in the same order, but
/// says why (a <see cref="HandlerProblem"/>, whose rule picks the diagnostic id) instead of returning null. When the
/// parser learns a new shape, this class must learn it in the same commit.
/// </summary>
internal static class HandlerShapeRules
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat;

    /// <summary>
    /// What the generator makes of <paramref name="method"/>: the problem it skips the method for, or the signature,
    /// final payload format and JSON context it generates with.
    /// </summary>
    public static HandlerAnalysis Analyze(IMethodSymbol method, AttributeData attribute, KnownTypes types)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return new(new(HandlerRule.Shape, $"it is {DescribeKind(method.MethodKind)}; only ordinary methods declared in a class can be handlers"));
        }

        if (method.IsGenericMethod)
        {
            return new(new(HandlerRule.Generic, "it is generic; a handler cannot have type parameters (give the payload a concrete type)"));
        }

        if (method.IsAbstract)
        {
            return new(new(HandlerRule.Abstract, "it is abstract; a handler needs a body the generated processor can call"));
        }

        if ((GetTypeReason(method) ?? GetAccessibilityReason(method, types.Compilation)) is { } reason)
        {
            return new(reason);
        }

        if (GetSignatureReason(method, types, out var signature) is { } signatureReason)
        {
            return new(signatureReason);
        }

        return GetAttributeReason(attribute, signature!, types);
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

    private static HandlerProblem? GetTypeReason(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var name = type.ToDisplayString(s_typeFormat);
        if (type.TypeKind != TypeKind.Class)
        {
            return new(HandlerRule.Shape, $"it is declared in {DescribeTypeKind(type)} '{name}'; handlers must be declared in a class");
        }

        // Instance handlers are resolved from DI (TryAddScoped<T>), which needs a concrete class.
        if (!method.IsStatic && type.IsStatic)
        {
            return new(HandlerRule.Shape, $"it is an instance method of static class '{name}'; make the method static");
        }

        if (!method.IsStatic && type.IsAbstract)
        {
            return new(HandlerRule.Abstract, $"it is an instance method of abstract class '{name}', which dependency injection cannot create; make the class concrete or the method static");
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

                return new(HandlerRule.Generic, $"{DescribeRole(generic, type)} '{generic.ToDisplayString(s_typeFormat)}' is generic; declare handlers in a non-generic class");
            }

            if (!IsAccessible(current.DeclaredAccessibility))
            {
                return new(HandlerRule.Inaccessible, $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is {DescribeAccessibility(current.DeclaredAccessibility)}, "
                    + "so the generated code cannot reach it; make it internal or public");
            }

            // Not a parser check: the parser lets it through (it is accessible within the assembly), but the generated
            // code lives in another file and would not compile.
            if (current.IsFileLocal)
            {
                return new(HandlerRule.Inaccessible, $"{DescribeRole(current, type)} '{current.ToDisplayString(s_typeFormat)}' is file-local, "
                    + "so the generated code (in another file) cannot reach it; make it internal or public");
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

    private static HandlerProblem? GetAccessibilityReason(IMethodSymbol method, Compilation compilation)
    {
        if (!IsAccessible(method.DeclaredAccessibility))
        {
            return new(HandlerRule.Inaccessible, $"it is {DescribeAccessibility(method.DeclaredAccessibility)}, so the generated code cannot call it; make it internal or public");
        }

        // Catches what declared accessibility alone does not, e.g. a handler in a file-local class.
        return compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
            ? null
            : new(HandlerRule.Inaccessible, "it is not accessible from other files of its assembly, so the generated code cannot call it; make it and its class internal or public");
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
    private static HandlerProblem? GetSignatureReason(IMethodSymbol method, KnownTypes types, out Signature? signature) =>
        HandlerSignature.Classify(method, types.Compilation, out signature);

    /// <summary>The attribute's values, merged over the assembly's <c>[KinesisHandlerDefaults]</c> as the generator does, then the shared checks.</summary>
    private static HandlerAnalysis GetAttributeReason(AttributeData attribute, Signature signature, KnownTypes types)
    {
        if (ReadSettings(attribute, types, allowDeserializer: true, out var settings, out var deserializer) is { } reason)
        {
            return new(reason);
        }

        var defaults = new Settings();
        if (types.DefaultsAttribute is { } defaultsType)
        {
            foreach (var assemblyAttribute in types.Compilation.Assembly.GetAttributes())
            {
                if (assemblyAttribute.AttributeClass is { } cls && cls.Equals(defaultsType, SymbolEqualityComparer.Default)
                    && ReadSettings(assemblyAttribute, types, allowDeserializer: false, out defaults, out _) is { } defaultsReason)
                {
                    return new(defaultsReason.InAssemblyDefaults());
                }
            }
        }

        if (deserializer is not null && HandlerSignature.DeserializerReason(deserializer, signature.PayloadType, types.Compilation) is { } deserializerReason)
        {
            return new(deserializerReason);
        }

        var problem = HandlerSettingsRules.Validate(
            settings.InitialPosition ?? defaults.InitialPosition ?? 0,
            settings.InitialTimestamp ?? (HandlerSettingsRules.Inherits(settings.InitialPosition, HandlerSettingsRules.AtTimestamp) ? defaults.InitialTimestamp : null),
            settings.CheckpointMode ?? defaults.CheckpointMode ?? 0,
            settings.CheckpointEveryRecords ?? (HandlerSettingsRules.Inherits(settings.CheckpointMode, HandlerSettingsRules.CheckpointPeriodic) ? defaults.CheckpointEveryRecords : null) ?? 0,
            settings.CheckpointIntervalSeconds ?? (HandlerSettingsRules.Inherits(settings.CheckpointMode, HandlerSettingsRules.CheckpointPeriodic) ? defaults.CheckpointIntervalSeconds : null) ?? 0,
            settings.MaxRecords ?? defaults.MaxRecords,
            settings.IdleTimeBetweenReadsMilliseconds ?? defaults.IdleTimeBetweenReadsMilliseconds,
            settings.MaxRetryAttempts ?? defaults.MaxRetryAttempts,
            settings.MaxRecordAgeSeconds ?? defaults.MaxRecordAgeSeconds,
            settings.RetryDelayMilliseconds ?? defaults.RetryDelayMilliseconds,
            settings.MaxRetryDelayMilliseconds ?? defaults.MaxRetryDelayMilliseconds,
            settings.PayloadFormat ?? defaults.PayloadFormat ?? 0,
            settings.DeserializationFailurePolicy ?? defaults.DeserializationFailurePolicy ?? 0,
            deserializer is not null,
            signature.NaturalFormat,
            out var format);
        if (problem is not null)
        {
            return new(problem);
        }

        var context = settings.JsonSerializerContext ?? defaults.JsonSerializerContext;
        return new(null, signature, format, context, settings.JsonSerializerContext is null && context is not null);
    }

    private static HandlerProblem? ReadSettings(AttributeData attribute, KnownTypes types, bool allowDeserializer, out Settings settings, out ITypeSymbol? deserializer)
    {
        settings = new Settings();
        deserializer = null;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value.Value;
            switch (argument.Key)
            {
                case KnownTypeNames.ApplicationNameProperty:
                case KnownTypeNames.BisectBatchOnErrorProperty when value is bool:
                case KnownTypeNames.FailureDestinationProperty:
                    break;
                case KnownTypeNames.MaxRetryAttemptsProperty when value is int retries:
                    settings.MaxRetryAttempts = retries;
                    break;
                case KnownTypeNames.MaxRecordAgeSecondsProperty when value is int age:
                    settings.MaxRecordAgeSeconds = age;
                    break;
                case KnownTypeNames.RetryDelayMillisecondsProperty when value is int delay:
                    settings.RetryDelayMilliseconds = delay;
                    break;
                case KnownTypeNames.MaxRetryDelayMillisecondsProperty when value is int maxDelay:
                    settings.MaxRetryDelayMilliseconds = maxDelay;
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
                        return new(
                            HandlerRule.JsonSerializerContext,
                            $"JsonSerializerContext '{name}' is not a concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext",
                            argument.Key);
                    }

                    settings.JsonSerializerContext = value as INamedTypeSymbol;
                    break;
                case KnownTypeNames.DeserializerProperty when allowDeserializer:
                    deserializer = value as ITypeSymbol;
                    break;
                default:
                    return new(HandlerRule.Shape, $"the attribute sets '{argument.Key}', which this generator version does not support", argument.Key);
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

        public int? MaxRetryAttempts { get; set; }

        public int? MaxRecordAgeSeconds { get; set; }

        public int? RetryDelayMilliseconds { get; set; }

        public int? MaxRetryDelayMilliseconds { get; set; }

        public int? PayloadFormat { get; set; }

        public int? DeserializationFailurePolicy { get; set; }

        public INamedTypeSymbol? JsonSerializerContext { get; set; }
    }
}

/// <summary>What the generator makes of a handler: the problem it is skipped for, or what it is generated with.</summary>
/// <param name="Problem">Why the generator skips the handler; null when it generates it.</param>
/// <param name="Signature">The classified signature, when generated.</param>
/// <param name="Format">The final payload format, when generated.</param>
/// <param name="JsonContext">The JsonSerializerContext the handler uses (its own, else the assembly default), or null.</param>
/// <param name="JsonContextFromDefaults">Whether <paramref name="JsonContext"/> comes from <c>[assembly: KinesisHandlerDefaults]</c>.</param>
internal sealed record HandlerAnalysis(
    HandlerProblem? Problem,
    Signature? Signature = null,
    PayloadFormatKind Format = PayloadFormatKind.Json,
    INamedTypeSymbol? JsonContext = null,
    bool JsonContextFromDefaults = false);
