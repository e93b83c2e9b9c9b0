using KinesisAttrib.Generators.Model;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KinesisAttrib.Generators;

/// <summary>
/// Turns each <c>[KinesisHandler]</c> method into a shard record processor and adds all of them to a generated
/// <c>AddKinesisHandlers()</c> (internal, for the assembly itself) and a public
/// <c>AddKinesisHandlersFrom{Assembly}()</c> (for other assemblies, such as its tests). This file only wires the pipeline: see the Parser and Emitter parts.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class KinesisHandlerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.KinesisHandlerAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Parser.TryParse(ctx, ct))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.Handlers);

        // [assembly: KinesisHandlerDefaults] is found like the handlers (its target node is the compilation unit), so
        // only edits of the file that declares it re-read it; the value-equal result stops the pipeline when unchanged.
        var defaults = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.KinesisHandlerDefaultsAttribute,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, _) => Parser.ParseDefaults(ctx))
            .Collect()
            .Select(static (all, _) => all.IsDefaultOrEmpty ? HandlerDefaults.None : all[0])
            .WithTrackingName(TrackingNames.Defaults);

        var resolved = handlers
            .Combine(defaults)
            .Select(static (pair, _) => Parser.Resolve(pair.Left, pair.Right))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ResolvedHandlers);

        // Processor names must be unique across the compilation (overloads, or names that only differ in where the
        // dots were), which only the whole set can tell; the names are then handed out one by one again so that a
        // processor file is only re-emitted when its own handler changed.
        var allHandlers = resolved
            .Collect()
            .Select(static (specs, _) => Parser.AssignProcessorNames(specs))
            .WithTrackingName(TrackingNames.AllHandlers);

        var namedHandlers = allHandlers
            .SelectMany(static (named, _) => named.AsImmutableArray())
            .WithTrackingName(TrackingNames.NamedHandlers);

        context.RegisterSourceOutput(namedHandlers, static (spc, handler) =>
            spc.AddSource(handler.HintName, Emitter.EmitProcessor(handler)));

        // The public registration is named after the assembly (so a test project that references the app and declares
        // handlers of its own sees two distinct methods), or after the MSBuild property KinesisAttribRegistrationName
        // when a project sets it (a template whose assembly name is the user's choice); only a rename changes this value.
        var assemblyIdentifier = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName)
            .Combine(context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
                options.GlobalOptions.TryGetValue(KnownTypeNames.RegistrationNameProperty, out var name) ? name : null))
            .Select(static (pair, _) => Parser.AssemblyIdentifier(string.IsNullOrWhiteSpace(pair.Right) ? pair.Left : pair.Right))
            .WithTrackingName(TrackingNames.AssemblyIdentifier);

        context.RegisterSourceOutput(allHandlers.Combine(assemblyIdentifier), static (spc, pair) =>
        {
            if (pair.Left.Count > 0)
            {
                spc.AddSource(KnownTypeNames.RegistrationHintName, Emitter.EmitRegistrations(pair.Left, pair.Right));
            }
        });
    }
}
