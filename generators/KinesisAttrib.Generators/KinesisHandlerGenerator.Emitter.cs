using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KinesisAttrib.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace KinesisAttrib.Generators;

public sealed partial class KinesisHandlerGenerator
{
    /// <summary>
    /// Models to C#. The generated code only wires the user's method to the runtime (<c>RecordHandlerProcessor&lt;T&gt;</c>
    /// does the batching, scoping, decoding and checkpointing), so it stays small and readable.
    /// </summary>
    internal static class Emitter
    {
        internal static readonly string GeneratorName = typeof(KinesisHandlerGenerator).Assembly.GetName().Name ?? "KinesisAttrib.Generators";

        internal static readonly string GeneratorVersion =
            typeof(KinesisHandlerGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        private static string GeneratedCodeAttribute =>
            $"[{KnownTypeNames.GeneratedCodeAttribute}({Literal(GeneratorName)}, {Literal(GeneratorVersion)})]";

        public static string EmitProcessor(NamedHandler named)
        {
            var handler = named.Handler;
            var writer = new SourceWriter();
            WriteHeader(writer);

            using (writer.Block("namespace " + KnownTypeNames.GeneratedNamespace))
            {
                writer.WriteLine($"/// <summary>Shard record processor for <c>{XmlEscape(handler.HandlerName)}</c> on stream <c>{XmlEscape(handler.StreamName)}</c>.</summary>");
                writer.WriteLine(GeneratedCodeAttribute);
                using (writer.Block($"internal sealed class {named.ProcessorName} : {KnownTypeNames.RecordHandlerProcessor}<{handler.PayloadType}>"))
                {
                    writer.WriteLine($"public {named.ProcessorName}({KnownTypeNames.IServiceProvider} services)");
                    writer.Indent();
                    writer.WriteLine($": base(services, {DeserializerExpression(handler)})");
                    writer.Unindent();
                    using (writer.Block())
                    {
                    }

                    writer.WriteLine();
                    writer.WriteLine("/// <inheritdoc />");
                    writer.WriteLine(
                        $"protected override {KnownTypeNames.ValueTask} HandleAsync({KnownTypeNames.IServiceProvider} services, {handler.PayloadType} payload, " +
                        $"{KnownTypeNames.RecordContext} context, {KnownTypeNames.CancellationToken} cancellationToken)");
                    using (writer.Block())
                    {
                        string target;
                        if (handler.IsStatic)
                        {
                            target = handler.HandlerType.FullyQualifiedName;
                        }
                        else
                        {
                            // Resolved from the batch's scope, so scoped dependencies live exactly one batch.
                            writer.WriteLine($"var handler = {KnownTypeNames.ServiceProviderServiceExtensions}.GetRequiredService<{handler.HandlerType}>(services);");
                            target = "handler";
                        }

                        var call = $"{target}.{handler.MethodName}({string.Join(", ", handler.Parameters.Select(Argument))})";
                        writer.WriteLine(handler.ReturnKind switch
                        {
                            HandlerReturnKind.Task => $"return new {KnownTypeNames.ValueTask}({call});",
                            _ => throw new System.ArgumentOutOfRangeException(nameof(named), handler.ReturnKind, "Unknown handler return kind."),
                        });
                    }
                }
            }

            return writer.ToString();
        }

        public static string EmitRegistrations(EquatableArray<NamedHandler> handlers)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);

            using (writer.Block("namespace " + KnownTypeNames.RegistrationNamespace))
            {
                writer.WriteLine("/// <summary>Registers the <c>[KinesisHandler]</c> methods of this assembly.</summary>");
                writer.WriteLine(GeneratedCodeAttribute);
                using (writer.Block($"internal static partial class {KnownTypeNames.RegistrationClass}"))
                {
                    writer.WriteLine("/// <summary>");
                    writer.WriteLine("/// Adds one handler descriptor per <c>[KinesisHandler]</c> method of this assembly, and the types that declare");
                    writer.WriteLine("/// instance handlers as scoped services (unless already registered).");
                    writer.WriteLine("/// </summary>");
                    writer.WriteLine("/// <param name=\"services\">The service collection.</param>");
                    writer.WriteLine("/// <returns>The same service collection.</returns>");
                    using (writer.Block($"public static {KnownTypeNames.IServiceCollection} AddKinesisHandlers(this {KnownTypeNames.IServiceCollection} services)"))
                    {
                        using (writer.Block("if (services is null)"))
                        {
                            writer.WriteLine($"throw new {KnownTypeNames.ArgumentNullException}(nameof(services));");
                        }

                        writer.WriteLine();
                        var instanceTypes = handlers
                            .Where(h => !h.Handler.IsStatic)
                            .Select(h => h.Handler.HandlerType.FullyQualifiedName)
                            .Distinct()
                            .OrderBy(name => name, System.StringComparer.Ordinal)
                            .ToList();
                        foreach (var type in instanceTypes)
                        {
                            writer.WriteLine($"{KnownTypeNames.ServiceCollectionDescriptorExtensions}.TryAddScoped<{type}>(services);");
                        }

                        if (instanceTypes.Count > 0)
                        {
                            writer.WriteLine();
                        }

                        // Already sorted by the parser (ordinal processor names), which keeps this file deterministic.
                        foreach (var named in handlers)
                        {
                            WriteDescriptor(writer, named);
                            writer.WriteLine();
                        }

                        writer.WriteLine("return services;");
                    }
                }
            }

            return writer.ToString();
        }

        private static void WriteDescriptor(SourceWriter writer, NamedHandler named)
        {
            var handler = named.Handler;
            writer.WriteLine($"{KnownTypeNames.KinesisAttribServiceCollectionExtensions}.AddKinesisHandler(services, new {KnownTypeNames.KinesisHandlerDescriptor}");
            using (writer.Block(closing: ");"))
            {
                writer.WriteLine($"StreamName = {Literal(handler.StreamName)},");
                writer.WriteLine($"ApplicationName = {(handler.ApplicationName is null ? "null" : Literal(handler.ApplicationName))},");
                writer.WriteLine($"InitialPosition = {InitialPositionExpression(handler.InitialPosition)},");
                writer.WriteLine($"HandlerName = {Literal(handler.HandlerName)},");
                writer.WriteLine($"CreateProcessor = static serviceProvider => new {named.ProcessorFullyQualifiedName}(serviceProvider),");
            }
        }

        /// <summary>
        /// With a <c>JsonSerializerContext</c> the payload is decoded from source-generated metadata (trimming and AOT
        /// safe). Without one the reflection-based deserializer is called as is: it is annotated
        /// <c>[RequiresUnreferencedCode]</c>/<c>[RequiresDynamicCode]</c>, so a trimmed or Native AOT build warns right
        /// here (IL2026/IL3050) and points the user at the fix, naming a context on the attribute, while ordinary
        /// builds, where reflection is fine, see no warning. Suppressing or re-annotating would hide a real problem.
        /// </summary>
        private static string DeserializerExpression(HandlerSpec handler) => handler.JsonSerializerContext is { } context
            ? $"{KnownTypeNames.JsonRecordDeserializer}.FromContext<{handler.PayloadType}>({context}.Default)"
            : $"{KnownTypeNames.JsonRecordDeserializer}.CreateReflectionBased<{handler.PayloadType}>()";

        private static string Argument(HandlerParameterKind kind) => kind switch
        {
            HandlerParameterKind.Payload => "payload",
            HandlerParameterKind.RecordContext => "context",
            HandlerParameterKind.CancellationToken => "cancellationToken",
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "Unknown handler parameter kind."),
        };

        private static readonly Dictionary<int, string> s_initialPositions = new()
        {
            [0] = "TrimHorizon",
            [1] = "Latest",
        };

        private static string InitialPositionExpression(int value) => s_initialPositions.TryGetValue(value, out var name)
            ? $"{KnownTypeNames.InitialPosition}.{name}"
            : $"({KnownTypeNames.InitialPosition}){value.ToString(CultureInfo.InvariantCulture)}";

        private static void WriteHeader(SourceWriter writer)
        {
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable enable");
            writer.WriteLine();
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>Makes user text safe inside a one-line <c>///</c> comment: XML-escaped, and no line breaks of any kind.</summary>
        private static string XmlEscape(string value)
        {
            var builder = new System.Text.StringBuilder(value.Length);
            foreach (var c in value)
            {
                _ = c switch
                {
                    '&' => builder.Append("&amp;"),
                    '<' => builder.Append("&lt;"),
                    '>' => builder.Append("&gt;"),
                    '\u0085' or '\u2028' or '\u2029' => builder.Append(' '),
                    _ when char.IsControl(c) => builder.Append(' '),
                    _ => builder.Append(c),
                };
            }

            return builder.ToString();
        }
    }
}
