using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using KinesisAttrib.Generators.Model;
using KinesisAttrib.Shared;
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

            var baseType = handler.IsBatch ? KnownTypeNames.BatchHandlerProcessor : KnownTypeNames.RecordHandlerProcessor;
            using (writer.Block("namespace " + KnownTypeNames.GeneratedNamespace))
            {
                writer.WriteLine($"/// <summary>Shard record processor for <c>{XmlEscape(handler.HandlerName)}</c> on stream <c>{XmlEscape(handler.StreamName)}</c>.</summary>");
                writer.WriteLine(GeneratedCodeAttribute);
                using (writer.Block($"internal sealed class {named.ProcessorName} : {baseType}<{handler.PayloadType}>"))
                {
                    WriteSettings(writer, handler);
                    writer.WriteLine();
                    writer.WriteLine($"public {named.ProcessorName}({KnownTypeNames.IServiceProvider} services, {KnownTypeNames.HandlerSettings} settings)");
                    writer.Indent();
                    writer.WriteLine($": base(services, {DeserializerExpression(handler)}, settings)");
                    writer.Unindent();
                    using (writer.Block())
                    {
                    }

                    writer.WriteLine();
                    writer.WriteLine("/// <inheritdoc />");
                    var common = $"{KnownTypeNames.BatchContext} batch, {KnownTypeNames.IRecordProcessorCheckpointer} checkpointer, {KnownTypeNames.CancellationToken} cancellationToken";
                    var isAsync = handler.IsBatch && handler.ReturnKind is ReturnKind.Task or ReturnKind.ValueTask;
                    writer.WriteLine(handler.IsBatch
                        ? $"protected override {(isAsync ? "async " : "")}{BatchResultTask} HandleAsync({KnownTypeNames.IServiceProvider} services, " +
                          $"{KnownTypeNames.IReadOnlyList}<{KnownTypeNames.KinesisRecord}<{handler.PayloadType}>> records, {common})"
                        : $"protected override {KnownTypeNames.ValueTask} HandleAsync({KnownTypeNames.IServiceProvider} services, {handler.PayloadType} payload, " +
                          $"{KnownTypeNames.RecordContext} context, {common})");
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

                        var call = $"{target}.{handler.MethodName}({string.Join(", ", handler.Parameters.Select(p => Argument(handler, p)))})";
                        WriteCall(writer, handler, call);
                    }
                }
            }

            return writer.ToString();
        }

        private static string BatchResultTask => $"{KnownTypeNames.ValueTask}<{KnownTypeNames.BatchResult}>";

        /// <summary>Adapts what the handler returns to what the processor awaits, without an async state machine where none is needed.</summary>
        private static void WriteCall(SourceWriter writer, HandlerSpec handler, string call)
        {
            if (!handler.IsBatch)
            {
                switch (handler.ReturnKind)
                {
                    case ReturnKind.Task:
                        writer.WriteLine($"return new {KnownTypeNames.ValueTask}({call});");
                        break;
                    case ReturnKind.ValueTask:
                        writer.WriteLine($"return {call};");
                        break;
                    default:
                        writer.WriteLine(call + ";");
                        writer.WriteLine("return default;");
                        break;
                }

                return;
            }

            switch (handler.ReturnKind)
            {
                case ReturnKind.Task:
                case ReturnKind.ValueTask:
                    writer.WriteLine($"await {call}.ConfigureAwait(false);");
                    writer.WriteLine($"return {KnownTypeNames.BatchResult}.Success;");
                    break;
                case ReturnKind.Void:
                    writer.WriteLine(call + ";");
                    writer.WriteLine($"return new {BatchResultTask}({KnownTypeNames.BatchResult}.Success);");
                    break;
                case ReturnKind.ValueTaskOfBatchResult:
                    writer.WriteLine($"return {call};");
                    break;
                default:
                    // BatchResult or Task<BatchResult>.
                    writer.WriteLine($"return new {BatchResultTask}({call});");
                    break;
            }
        }

        public static string EmitRegistrations(EquatableArray<NamedHandler> handlers, string assemblyIdentifier)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);

            var publicClass = assemblyIdentifier + KnownTypeNames.PublicRegistrationClassSuffix;
            var publicMethod = KnownTypeNames.PublicRegistrationMethodPrefix + assemblyIdentifier;
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
                    writer.WriteLine($"public static {KnownTypeNames.IServiceCollection} AddKinesisHandlers(this {KnownTypeNames.IServiceCollection} services)");
                    writer.WriteLine($"    => global::{KnownTypeNames.RegistrationNamespace}.{publicClass}.{publicMethod}(services);");
                }

                writer.WriteLine();
                writer.WriteLine("/// <summary>");
                writer.WriteLine("/// Registers the <c>[KinesisHandler]</c> methods of this assembly from other assemblies, such as its test project:");
                writer.WriteLine("/// public, and named after the assembly so that it never clashes with another assembly's registration.");
                writer.WriteLine("/// </summary>");
                writer.WriteLine(GeneratedCodeAttribute);
                using (writer.Block($"public static class {publicClass}"))
                {
                    writer.WriteLine("/// <summary>");
                    writer.WriteLine("/// Adds one handler descriptor per <c>[KinesisHandler]</c> method of this assembly, and the types that declare");
                    writer.WriteLine("/// instance handlers as scoped services (unless already registered).");
                    writer.WriteLine("/// </summary>");
                    writer.WriteLine("/// <param name=\"services\">The service collection.</param>");
                    writer.WriteLine("/// <returns>The same service collection.</returns>");
                    using (writer.Block($"public static {KnownTypeNames.IServiceCollection} {publicMethod}(this {KnownTypeNames.IServiceCollection} services)"))
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

        /// <summary>The handler's settings live in its processor file; the descriptor only points at them and at the constructor.</summary>
        private static void WriteDescriptor(SourceWriter writer, NamedHandler named)
        {
            writer.WriteLine($"{KnownTypeNames.KinesisAttribServiceCollectionExtensions}.AddKinesisHandler(services, new {KnownTypeNames.KinesisHandlerDescriptor}");
            using (writer.Block(closing: ");"))
            {
                writer.WriteLine($"Settings = {named.ProcessorFullyQualifiedName}.{DeclaredSettings},");
                writer.WriteLine($"CreateProcessor = static (serviceProvider, settings) => new {named.ProcessorFullyQualifiedName}(serviceProvider, settings),");
            }
        }

        /// <summary>
        /// With a <c>JsonSerializerContext</c> the payload is decoded from source-generated metadata (trimming and AOT
        /// safe). Without one the reflection-based deserializer is called as is: it is annotated
        /// <c>[RequiresUnreferencedCode]</c>/<c>[RequiresDynamicCode]</c>, so a trimmed or Native AOT build warns right
        /// here (IL2026/IL3050) and points the user at the fix, naming a context on the attribute, while ordinary
        /// builds, where reflection is fine, see no warning. Suppressing or re-annotating would hide a real problem.
        /// </summary>
        private static string DeserializerExpression(HandlerSpec handler) => handler.Format switch
        {
            PayloadFormatKind.Text => KnownTypeNames.RecordDeserializers + ".Utf8String",
            PayloadFormatKind.ByteArray => KnownTypeNames.RecordDeserializers + ".ByteArray",
            PayloadFormatKind.Memory => KnownTypeNames.RecordDeserializers + ".Memory",
            PayloadFormatKind.Record => KnownTypeNames.RecordDeserializers + ".Record",
            PayloadFormatKind.Custom => $"{KnownTypeNames.RecordDeserializers}.Create<{handler.Deserializer}>(services)",
            _ => handler.Settings.JsonSerializerContext is { } context
                ? $"{KnownTypeNames.JsonRecordDeserializer}.FromContext<{handler.PayloadType}>({context}.Default, {JsonArguments(handler)})"
                : $"{KnownTypeNames.JsonRecordDeserializer}.CreateReflectionBased<{handler.PayloadType}>({JsonArguments(handler)})",
        };

        /// <summary>
        /// A handler that takes a nullable payload (<c>Order?</c>) gets JSON <c>null</c> as null, not as a failure. Name
        /// matching is read from the effective settings the constructor receives, so the one value in them decides it.
        /// </summary>
        private static string JsonArguments(HandlerSpec handler) =>
            $"allowNull: {(handler.PayloadIsNullable ? "true" : "false")}, caseSensitive: settings.JsonPropertyNamesCaseSensitive";

        /// <summary>The name of the processor's static field holding every setting of its handler.</summary>
        private const string DeclaredSettings = "DeclaredSettings";

        /// <summary>
        /// Every setting of the handler, in one object: its name and stream always, and otherwise only the settings that
        /// differ from the defaults. The host applies the application's overrides to it at start and passes the result to
        /// the processor's constructor.
        /// </summary>
        private static void WriteSettings(SourceWriter writer, HandlerSpec handler)
        {
            var settings = handler.Settings;
            writer.WriteLine("/// <summary>The handler's settings as declared: its attribute over the assembly's defaults.</summary>");
            writer.WriteLine($"internal static readonly {KnownTypeNames.HandlerSettings} {DeclaredSettings} = new()");
            using (writer.Block(closing: ";"))
            {
                // A value equal to the runtime's default (RuntimeContract, pinned by RuntimeContractTests) is left out.
                writer.WriteLine($"HandlerName = {Literal(handler.HandlerName)},");
                writer.WriteLine($"StreamName = {Literal(handler.StreamName)},");
                if (settings.ApplicationName is { } application)
                {
                    writer.WriteLine($"ApplicationName = {Literal(application)},");
                }

                if (settings.InitialPosition is { } position && position != RuntimeContract.DefaultInitialPosition)
                {
                    writer.WriteLine($"InitialPosition = {EnumExpression(KnownTypeNames.InitialPosition, RuntimeContract.InitialPositionNames, position)},");
                }

                if (settings.InitialTimestamp is { } timestamp)
                {
                    writer.WriteLine($"InitialTimestamp = {KnownTypeNames.DateTimeOffset}.Parse({Literal(timestamp)}, {KnownTypeNames.CultureInfo}.InvariantCulture, {KnownTypeNames.DateTimeStyles}.AssumeUniversal),");
                }

                if (settings.MaxRecords is { } maxRecords)
                {
                    writer.WriteLine($"MaxRecords = {Number(maxRecords)},");
                }

                if (settings.IdleTimeBetweenReadsMilliseconds is { } idle)
                {
                    writer.WriteLine($"IdleTimeBetweenReads = {KnownTypeNames.TimeSpan}.FromMilliseconds({Number(idle)}),");
                }

                if (settings.RetrievalMode is { } retrieval)
                {
                    writer.WriteLine($"RetrievalMode = {EnumExpression(KnownTypeNames.RetrievalMode, RuntimeContract.RetrievalModeNames, retrieval)},");
                }

                if (settings.CheckpointMode is { } mode && mode != RuntimeContract.DefaultCheckpointMode)
                {
                    writer.WriteLine($"CheckpointMode = {EnumExpression(KnownTypeNames.CheckpointMode, RuntimeContract.CheckpointModeNames, mode)},");
                }

                if (settings.CheckpointEveryRecords is { } records && records != RuntimeContract.DefaultCheckpointEveryRecords)
                {
                    writer.WriteLine($"CheckpointEveryRecords = {Number(records)},");
                }

                if (settings.CheckpointIntervalSeconds is { } seconds && seconds != RuntimeContract.DefaultCheckpointIntervalSeconds)
                {
                    writer.WriteLine($"CheckpointInterval = {KnownTypeNames.TimeSpan}.FromSeconds({Number(seconds)}),");
                }

                if (settings.JsonPropertyNamesCaseSensitive is true)
                {
                    writer.WriteLine("JsonPropertyNamesCaseSensitive = true,");
                }

                if (settings.DeserializationFailurePolicy is { } policy && policy != RuntimeContract.DefaultFailurePolicy)
                {
                    writer.WriteLine($"DeserializationFailurePolicy = {EnumExpression(KnownTypeNames.DeserializationFailurePolicy, RuntimeContract.FailurePolicyNames, policy)},");
                }

                // The failure policy. Values HandlerSettings.Validate would reject (a negative age or delay, MaxRetryAttempts
                // below -1) never get here: HandlerSettingsRules skips the handler and the analyzer reports KA1011.
                if (settings.MaxRetryAttempts is { } retries && retries != RuntimeContract.DefaultMaxRetryAttempts)
                {
                    writer.WriteLine($"MaxRetryAttempts = {Number(retries)},");
                }

                if (settings.BisectBatchOnError is true)
                {
                    writer.WriteLine("BisectBatchOnError = true,");
                }

                if (settings.MaxRecordAgeSeconds is { } age && age != RuntimeContract.DefaultMaxRecordAgeSeconds)
                {
                    writer.WriteLine($"MaxRecordAge = {KnownTypeNames.TimeSpan}.FromSeconds({Number(age)}),");
                }

                if (settings.RetryDelayMilliseconds is { } delay && delay != RuntimeContract.DefaultRetryDelayMilliseconds)
                {
                    writer.WriteLine($"RetryDelay = {KnownTypeNames.TimeSpan}.FromMilliseconds({Number(delay)}),");
                }

                if (settings.MaxRetryDelayMilliseconds is { } maxDelay && maxDelay != RuntimeContract.DefaultMaxRetryDelayMilliseconds)
                {
                    writer.WriteLine($"MaxRetryDelay = {KnownTypeNames.TimeSpan}.FromMilliseconds({Number(maxDelay)}),");
                }

                if (settings.FailureDestination is { } destination)
                {
                    writer.WriteLine($"FailureDestination = {Literal(destination)},");
                }
            }
        }

        private static string Argument(HandlerSpec handler, HandlerParameter parameter) => parameter.Kind switch
        {
            ParameterKind.Payload => handler.Shape switch
            {
                HandlerShape.Batch => "Payloads(records)",
                HandlerShape.BatchOfRecords => "records",
                _ => "payload",
            },
            ParameterKind.RecordContext => "context",
            ParameterKind.BatchContext => "batch",
            ParameterKind.Checkpointer => "checkpointer",
            ParameterKind.CancellationToken => "cancellationToken",
            ParameterKind.ServiceProvider => "services",
            ParameterKind.Service => parameter.IsOptional
                ? $"{KnownTypeNames.ServiceProviderServiceExtensions}.GetService<{parameter.ServiceType}>(services)"
                : $"{KnownTypeNames.ServiceProviderServiceExtensions}.GetRequiredService<{parameter.ServiceType}>(services)",
            _ => throw new System.ArgumentOutOfRangeException(nameof(parameter), parameter.Kind, "Unknown handler parameter kind."),
        };

        private static string EnumExpression(string type, ImmutableArray<string> names, int value) => value >= 0 && value < names.Length
            ? $"{type}.{names[value]}"
            : $"({type}){Number(value)}";

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

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
