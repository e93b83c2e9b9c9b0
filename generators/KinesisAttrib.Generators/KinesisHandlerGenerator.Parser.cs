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
                || context.Attributes.Length != 1
                || HandlerDeclarationRules.Check(method, context.SemanticModel.Compilation) is not null)
            {
                return null;
            }

            var symbols = new KnownSymbols(context.SemanticModel.Compilation);
            var type = method.ContainingType;

            cancellationToken.ThrowIfCancellationRequested();

            if (HandlerSignature.Classify(method, symbols, out var signature) is not null
                || context.Attributes[0] is not { ConstructorArguments.Length: 1 } attribute
                || attribute.ConstructorArguments[0].Value is not string streamName
                || HandlerAttributeReader.Read(attribute, symbols, isHandler: true, out var reading) is not null)
            {
                return null;
            }

            TypeRef? deserializerRef = null;
            if (reading.Deserializer is { } deserializer)
            {
                if (HandlerSignature.DeserializerReason(deserializer, signature!.PayloadType, symbols) is not null)
                {
                    return null;
                }

                deserializerRef = TypeRef.Of(deserializer);
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

                parameters.Add(new HandlerParameter(signature.Parameters[i], TypeRef.Of(service), optional));
            }

            return new HandlerSpec(
                HandlerType: TypeRef.Of(type),
                HandlerTypeDisplayName: type.ToDisplayString(s_readable),
                NameParts: GetNameParts(type),
                MethodName: EscapeIdentifier(method.Name),
                MethodSignature: method.ToDisplayString(s_signature),
                IsStatic: method.IsStatic,
                Shape: signature.Shape,
                ReturnKind: signature.ReturnKind,
                PayloadType: TypeRef.Of(signature.PayloadType),
                Parameters: parameters.ToImmutable().ToEquatableArray(),
                Format: signature.NaturalFormat,
                StreamName: streamName,
                Settings: reading.Settings,
                Deserializer: deserializerRef,
                PayloadIsNullable: signature.PayloadType.IsReferenceType && signature.PayloadType.NullableAnnotation == NullableAnnotation.Annotated);
        }

        /// <summary>The assembly's <c>[KinesisHandlerDefaults]</c> (AllowMultiple is false, so there is one).</summary>
        public static HandlerDefaults ParseDefaults(GeneratorAttributeSyntaxContext context) =>
            context.Attributes.Length == 1
            && HandlerAttributeReader.Read(context.Attributes[0], new KnownSymbols(context.SemanticModel.Compilation), isHandler: false, out var reading) is null
                ? new HandlerDefaults(reading.Settings, IsValid: true)
                : new HandlerDefaults(AttributeSettings.None, IsValid: false);

        /// <summary>Merges the assembly defaults into a handler and checks the result; null when it is inconsistent.</summary>
        public static HandlerSpec? Resolve(HandlerSpec spec, HandlerDefaults defaults) =>
            defaults.IsValid
            && HandlerSettingsRules.Resolve(spec.Settings, defaults.Settings, spec.Deserializer is not null, spec.Format, out var merged, out var format) is null
                ? spec with { Settings = merged, Format = format }
                : null;

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

        /// <summary>
        /// The assembly name as a PascalCase identifier: <c>Orders.Worker</c> and <c>orders-worker</c> become
        /// <c>OrdersWorker</c>, a leading digit gets an underscore. It names the public registration
        /// (<c>AddKinesisHandlersFromOrdersWorker</c>), which must differ between an app and its test project.
        /// </summary>
        public static string AssemblyIdentifier(string? assemblyName)
        {
            var builder = new StringBuilder();
            var startOfWord = true;
            foreach (var c in assemblyName ?? string.Empty)
            {
                if (c == '_' || char.IsLetterOrDigit(c))
                {
                    builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
                    startOfWord = false;
                }
                else
                {
                    startOfWord = true;
                }
            }

            if (builder.Length == 0)
            {
                return "Assembly";
            }

            return char.IsDigit(builder[0]) ? "_" + builder : builder.ToString();
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
