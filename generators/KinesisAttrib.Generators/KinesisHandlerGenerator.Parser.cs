using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using KinesisAttrib.Generators.Model;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KinesisAttrib.Generators;

public sealed partial class KinesisHandlerGenerator
{
    /// <summary>
    /// Symbols to <see cref="HandlerSpec"/>. Anything it does not understand yields null and no output: reporting why
    /// is the analyzers' job, and a generator that half-understands a method would emit code that does not compile.
    /// </summary>
    internal static class Parser
    {
        private static readonly SymbolDisplayFormat s_fullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_readable = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

        private static readonly SymbolDisplayFormat s_signature = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
            parameterOptions: SymbolDisplayParameterOptions.IncludeType,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        public static HandlerSpec? TryParse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method
                || method.MethodKind != MethodKind.Ordinary
                || method.IsGenericMethod
                || method.IsAbstract
                || context.Attributes.Length != 1)
            {
                return null;
            }

            var compilation = context.SemanticModel.Compilation;
            var type = method.ContainingType;
            if (!IsSupportedHandlerType(type, method.IsStatic)
                || !IsAccessible(method.DeclaredAccessibility)
                || !compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();

            if (HandlerSignature.Classify(method, compilation, out var signature) is not null
                || context.Attributes[0] is not { ConstructorArguments.Length: 1 } attribute
                || attribute.ConstructorArguments[0].Value is not string streamName
                || !TryParseSettings(attribute, compilation, allowDeserializer: true, out var settings, out var deserializer))
            {
                return null;
            }

            TypeRef? deserializerRef = null;
            if (deserializer is not null)
            {
                if (HandlerSignature.DeserializerReason(deserializer, signature!.PayloadType, compilation) is not null)
                {
                    return null;
                }

                deserializerRef = new TypeRef(deserializer.ToDisplayString(s_fullyQualified));
            }

            var parameters = ImmutableArray.CreateBuilder<HandlerParameter>(signature!.Parameters.Length);
            for (var i = 0; i < signature.Parameters.Length; i++)
            {
                var service = signature.ServiceTypes[i];
                if (service is null)
                {
                    parameters.Add(new HandlerParameter(signature.Parameters[i], null));
                    continue;
                }

                var parameter = method.Parameters[i];
                var optional = service.NullableAnnotation == NullableAnnotation.Annotated
                    || service.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                    || (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is null);
                if (optional && service.IsReferenceType)
                {
                    service = service.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                }

                parameters.Add(new HandlerParameter(signature.Parameters[i], new TypeRef(service.ToDisplayString(s_fullyQualified)), optional));
            }

            return new HandlerSpec(
                HandlerType: new TypeRef(type.ToDisplayString(s_fullyQualified)),
                HandlerTypeDisplayName: type.ToDisplayString(s_readable),
                NameParts: GetNameParts(type),
                MethodName: EscapeIdentifier(method.Name),
                MethodSignature: method.ToDisplayString(s_signature),
                IsStatic: method.IsStatic,
                Shape: signature.Shape,
                ReturnKind: signature.ReturnKind,
                PayloadType: new TypeRef(signature.PayloadType.ToDisplayString(s_fullyQualified)),
                Parameters: parameters.ToImmutable().ToEquatableArray(),
                Format: signature.NaturalFormat,
                StreamName: streamName,
                Settings: settings!,
                Deserializer: deserializerRef,
                PayloadIsNullable: signature.PayloadType.IsReferenceType && signature.PayloadType.NullableAnnotation == NullableAnnotation.Annotated);
        }

        /// <summary>The assembly's <c>[KinesisHandlerDefaults]</c> (AllowMultiple is false, so there is one).</summary>
        public static HandlerDefaults ParseDefaults(GeneratorAttributeSyntaxContext context) =>
            context.Attributes.Length == 1
            && TryParseSettings(context.Attributes[0], context.SemanticModel.Compilation, allowDeserializer: false, out var settings, out _)
                ? new HandlerDefaults(settings!, IsValid: true)
                : new HandlerDefaults(AttributeSettings.None, IsValid: false);

        /// <summary>Merges the assembly defaults into a handler and checks the result; null when it is inconsistent.</summary>
        public static HandlerSpec? Resolve(HandlerSpec spec, HandlerDefaults defaults)
        {
            if (!defaults.IsValid)
            {
                return null;
            }

            var merged = spec.Settings.Over(defaults.Settings);
            var reason = HandlerSettingsRules.Validate(
                merged.InitialPosition ?? 0,
                merged.InitialTimestamp,
                merged.CheckpointMode ?? 0,
                merged.CheckpointEveryRecords ?? 0,
                merged.CheckpointIntervalSeconds ?? 0,
                merged.MaxRecords,
                merged.IdleTimeBetweenReadsMilliseconds,
                merged.MaxRetryAttempts,
                merged.MaxRecordAgeSeconds,
                merged.RetryDelayMilliseconds,
                merged.MaxRetryDelayMilliseconds,
                merged.PayloadFormat ?? 0,
                merged.DeserializationFailurePolicy ?? 0,
                spec.Deserializer is not null,
                spec.Format,
                out var format);
            return reason is null ? spec with { Settings = merged, Format = format } : null;
        }

        /// <summary>Reads the named arguments of either attribute. False when one is not understood or names an unusable type.</summary>
        private static bool TryParseSettings(AttributeData attribute, Compilation compilation, bool allowDeserializer, out AttributeSettings? settings, out INamedTypeSymbol? deserializer)
        {
            settings = null;
            deserializer = null;
            var result = AttributeSettings.None;
            foreach (var argument in attribute.NamedArguments)
            {
                var value = argument.Value.Value;
                switch (argument.Key)
                {
                    case KnownTypeNames.ApplicationNameProperty:
                        result = result with { ApplicationName = value as string };
                        break;
                    case KnownTypeNames.InitialTimestampProperty:
                        result = result with { InitialTimestamp = value as string };
                        break;
                    case KnownTypeNames.InitialPositionProperty when value is int position:
                        result = result with { InitialPosition = position };
                        break;
                    case KnownTypeNames.CheckpointModeProperty when value is int mode:
                        result = result with { CheckpointMode = mode };
                        break;
                    case KnownTypeNames.CheckpointEveryRecordsProperty when value is int records:
                        result = result with { CheckpointEveryRecords = records };
                        break;
                    case KnownTypeNames.CheckpointIntervalSecondsProperty when value is int seconds:
                        result = result with { CheckpointIntervalSeconds = seconds };
                        break;
                    case KnownTypeNames.MaxRecordsProperty when value is int maxRecords:
                        result = result with { MaxRecords = maxRecords };
                        break;
                    case KnownTypeNames.IdleTimeBetweenReadsMillisecondsProperty when value is int idle:
                        result = result with { IdleTimeBetweenReadsMilliseconds = idle };
                        break;
                    case KnownTypeNames.PayloadFormatProperty when value is int format:
                        result = result with { PayloadFormat = format };
                        break;
                    case KnownTypeNames.DeserializationFailurePolicyProperty when value is int policy:
                        result = result with { DeserializationFailurePolicy = policy };
                        break;
                    case KnownTypeNames.MaxRetryAttemptsProperty when value is int retries:
                        result = result with { MaxRetryAttempts = retries };
                        break;
                    case KnownTypeNames.BisectBatchOnErrorProperty when value is bool bisect:
                        result = result with { BisectBatchOnError = bisect };
                        break;
                    case KnownTypeNames.MaxRecordAgeSecondsProperty when value is int age:
                        result = result with { MaxRecordAgeSeconds = age };
                        break;
                    case KnownTypeNames.RetryDelayMillisecondsProperty when value is int delay:
                        result = result with { RetryDelayMilliseconds = delay };
                        break;
                    case KnownTypeNames.MaxRetryDelayMillisecondsProperty when value is int maxDelay:
                        result = result with { MaxRetryDelayMilliseconds = maxDelay };
                        break;
                    case KnownTypeNames.FailureDestinationProperty:
                        result = result with { FailureDestination = value as string };
                        break;
                    case KnownTypeNames.JsonSerializerContextProperty:
                        if (value is null)
                        {
                            break;
                        }

                        if (value is not INamedTypeSymbol contextType || !IsJsonSerializerContext(contextType, compilation))
                        {
                            return false;
                        }

                        result = result with { JsonSerializerContext = new TypeRef(contextType.ToDisplayString(s_fullyQualified)) };
                        break;
                    case KnownTypeNames.DeserializerProperty when allowDeserializer:
                        if (value is null)
                        {
                            break;
                        }

                        if (value is not INamedTypeSymbol deserializerType)
                        {
                            return false;
                        }

                        deserializer = deserializerType;
                        break;
                    default:
                        // A property this generator version does not know: it cannot honour it, so it emits nothing.
                        return false;
                }
            }

            settings = result;
            return true;
        }

        /// <summary>
        /// Sorts the handlers (ordinal, for deterministic output) and gives each processor a class name that is
        /// unique in the compilation: the readable base name, with <c>_2</c>, <c>_3</c>… for later duplicates.
        /// </summary>
        public static EquatableArray<NamedHandler> AssignProcessorNames(ImmutableArray<HandlerSpec> specs)
        {
            var sorted = specs
                .Select(spec => (Spec: spec, BaseName: GetProcessorBaseName(spec)))
                .OrderBy(x => x.BaseName, StringComparer.Ordinal)
                .ThenBy(x => x.Spec.MethodSignature, StringComparer.Ordinal)
                .ThenBy(x => x.Spec.StreamName, StringComparer.Ordinal);

            var used = new HashSet<string>(StringComparer.Ordinal);
            var named = new List<NamedHandler>(specs.Length);
            foreach (var (spec, baseName) in sorted)
            {
                var name = baseName;
                for (var i = 2; !used.Add(name); i++)
                {
                    name = baseName + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                named.Add(new NamedHandler(spec, name));
            }

            return named.ToEquatableArray();
        }

        private static string GetProcessorBaseName(HandlerSpec spec)
        {
            var builder = new StringBuilder();
            foreach (var part in spec.NameParts)
            {
                builder.Append(part).Append('_');
            }

            return builder.Append(spec.MethodName.TrimStart('@')).Append("_KinesisProcessor").ToString();
        }

        private static bool IsSupportedHandlerType(INamedTypeSymbol type, bool isStaticMethod)
        {
            // Instance handlers are resolved from DI and registered with TryAddScoped<T>, which needs a concrete class.
            if (type.TypeKind != TypeKind.Class || (!isStaticMethod && (type.IsAbstract || type.IsStatic)))
            {
                return false;
            }

            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType || current.IsFileLocal || !IsAccessible(current.DeclaredAccessibility))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAccessible(Accessibility accessibility) =>
            accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

        private static bool IsJsonSerializerContext(INamedTypeSymbol type, Compilation compilation)
        {
            var baseType = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContextMetadata);
            if (baseType is null
                || type.TypeKind != TypeKind.Class
                || type.IsAbstract
                || type.IsGenericType
                || !HandlerSignature.IsVisibleToGeneratedCode(type, compilation))
            {
                return false;
            }

            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        private static EquatableArray<string> GetNameParts(INamedTypeSymbol type)
        {
            var parts = new List<string>();
            for (var current = type; current is not null; current = current.ContainingType)
            {
                parts.Add(current.Name);
            }

            for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                parts.Add(ns.Name);
            }

            parts.Reverse();
            return parts.ToEquatableArray();
        }

        private static string EscapeIdentifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
