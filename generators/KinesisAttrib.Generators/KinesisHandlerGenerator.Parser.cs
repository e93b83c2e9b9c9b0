using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using KinesisAttrib.Generators.Model;
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

            if (!TryParseReturn(method, compilation, out var returnKind)
                || !TryParseParameters(method, compilation, out var parameters, out var payloadType))
            {
                return null;
            }

            var attribute = context.Attributes[0];
            if (attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not string streamName)
            {
                return null;
            }

            string? applicationName = null;
            var initialPosition = 0;
            TypeRef? jsonContext = null;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key)
                {
                    case KnownTypeNames.ApplicationNameProperty:
                        applicationName = argument.Value.Value as string;
                        break;
                    case KnownTypeNames.InitialPositionProperty when argument.Value.Value is int position:
                        initialPosition = position;
                        break;
                    case KnownTypeNames.JsonSerializerContextProperty:
                        if (argument.Value.Value is null)
                        {
                            break;
                        }

                        if (argument.Value.Value is not INamedTypeSymbol contextType
                            || !IsJsonSerializerContext(contextType, compilation))
                        {
                            return null;
                        }

                        jsonContext = new TypeRef(contextType.ToDisplayString(s_fullyQualified));
                        break;
                    default:
                        // A property this generator version does not know: it cannot honour it, so it emits nothing.
                        return null;
                }
            }

            return new HandlerSpec(
                HandlerType: new TypeRef(type.ToDisplayString(s_fullyQualified)),
                HandlerTypeDisplayName: type.ToDisplayString(s_readable),
                NameParts: GetNameParts(type),
                MethodName: EscapeIdentifier(method.Name),
                MethodSignature: method.ToDisplayString(s_signature),
                IsStatic: method.IsStatic,
                ReturnKind: returnKind,
                PayloadType: payloadType!,
                Parameters: parameters,
                StreamName: streamName,
                ApplicationName: applicationName,
                InitialPosition: initialPosition,
                JsonSerializerContext: jsonContext);
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

        private static bool TryParseReturn(IMethodSymbol method, Compilation compilation, out HandlerReturnKind kind)
        {
            kind = HandlerReturnKind.Task;
            return !method.ReturnsByRef
                && !method.ReturnsByRefReadonly
                && SymbolEqualityComparer.Default.Equals(method.ReturnType, compilation.GetTypeByMetadataName(KnownTypeNames.TaskMetadata));
        }

        /// <summary>
        /// Classifies every parameter. Only <c>(T payload, RecordContext, CancellationToken)</c> is accepted for now;
        /// more shapes only need a new <see cref="HandlerParameterKind"/> and a wider <see cref="IsSupportedShape"/>.
        /// </summary>
        private static bool TryParseParameters(
            IMethodSymbol method,
            Compilation compilation,
            out EquatableArray<HandlerParameterKind> kinds,
            out TypeRef? payloadType)
        {
            kinds = EquatableArray<HandlerParameterKind>.Empty;
            payloadType = null;

            var recordContext = compilation.GetTypeByMetadataName(KnownTypeNames.RecordContextMetadata);
            var cancellationToken = compilation.GetTypeByMetadataName(KnownTypeNames.CancellationTokenMetadata);
            if (recordContext is null || cancellationToken is null)
            {
                return false;
            }

            var builder = ImmutableArray.CreateBuilder<HandlerParameterKind>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || parameter.IsParams)
                {
                    return false;
                }

                if (SymbolEqualityComparer.Default.Equals(parameter.Type, recordContext))
                {
                    builder.Add(HandlerParameterKind.RecordContext);
                }
                else if (SymbolEqualityComparer.Default.Equals(parameter.Type, cancellationToken))
                {
                    builder.Add(HandlerParameterKind.CancellationToken);
                }
                else
                {
                    if (payloadType is not null || !IsSupportedPayloadType(parameter.Type, compilation))
                    {
                        return false;
                    }

                    builder.Add(HandlerParameterKind.Payload);
                    payloadType = new TypeRef(parameter.Type.ToDisplayString(s_fullyQualified));
                }
            }

            kinds = builder.ToImmutable().ToEquatableArray();
            return IsSupportedShape(kinds);
        }

        private static bool IsSupportedShape(EquatableArray<HandlerParameterKind> kinds) =>
            kinds.Count == 3
            && kinds[0] == HandlerParameterKind.Payload
            && kinds[1] == HandlerParameterKind.RecordContext
            && kinds[2] == HandlerParameterKind.CancellationToken;

        private static bool IsSupportedPayloadType(ITypeSymbol type, Compilation compilation) =>
            type.TypeKind is not (TypeKind.Error or TypeKind.Dynamic or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.TypeParameter)
            && !type.IsRefLikeType
            && type.SpecialType != SpecialType.System_Void
            && !IsRawPayloadType(type, compilation)
            && !IsBatchPayloadType(type, compilation)
            && IsVisibleToGeneratedCode(type, compilation);

        /// <summary>
        /// Whether a generated file (outside every user type, in another file) can name the type: accessible in the
        /// assembly and, unlike what <c>IsSymbolAccessibleWithin</c> checks, not <c>file</c>-local anywhere inside.
        /// </summary>
        private static bool IsVisibleToGeneratedCode(ITypeSymbol type, Compilation compilation) =>
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
        /// <c>IReadOnlyList&lt;T&gt;</c> is the batch handler shape (the whole batch, one call), not a record holding a JSON
        /// array; it is skipped until batch handlers are generated.
        /// </summary>
        private static bool IsBatchPayloadType(ITypeSymbol type, Compilation compilation) =>
            type is INamedTypeSymbol { IsGenericType: true } named
            && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, compilation.GetTypeByMetadataName(KnownTypeNames.ReadOnlyListMetadata));

        /// <summary>
        /// <c>string</c>, bytes and the raw record are payload formats of their own (UTF-8 text, the bytes as they are,
        /// the record itself), not JSON. They are not generated yet; decoding them as JSON now would silently change
        /// meaning when they are, so such handlers are skipped until then.
        /// </summary>
        private static bool IsRawPayloadType(ITypeSymbol type, Compilation compilation)
        {
            if (type.SpecialType == SpecialType.System_String
                || (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
                || SymbolEqualityComparer.Default.Equals(type, compilation.GetTypeByMetadataName(KnownTypeNames.KinesisClientRecordMetadata)))
            {
                return true;
            }

            return type is INamedTypeSymbol { IsGenericType: true } named
                && named.TypeArguments[0].SpecialType == SpecialType.System_Byte
                && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, compilation.GetTypeByMetadataName(KnownTypeNames.ReadOnlyMemoryMetadata))
                    || SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, compilation.GetTypeByMetadataName(KnownTypeNames.MemoryMetadata)));
        }

        private static bool IsJsonSerializerContext(INamedTypeSymbol type, Compilation compilation)
        {
            var baseType = compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializerContextMetadata);
            if (baseType is null
                || type.TypeKind != TypeKind.Class
                || type.IsAbstract
                || type.IsGenericType
                || !IsVisibleToGeneratedCode(type, compilation))
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
