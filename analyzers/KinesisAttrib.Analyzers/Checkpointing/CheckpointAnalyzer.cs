using System.Collections.Immutable;
using System.Linq;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// The checkpointing rules (KA2001–KA2008): whether a manual-checkpoint handler checkpoints on every path (a flow
/// analysis over its control flow graph, <see cref="CheckpointFlow"/>), and the checkpoint mistakes a handler body can
/// make (no or unused checkpointer, unawaited, per record, escaping, on a failure path in a catch or finally).
/// See docs/design/analyzers.md.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CheckpointAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: where the handler's checkpoint mode comes from, <see cref="ModeFromAttribute"/> or <see cref="ModeFromAssembly"/>.</summary>
    public const string ModeSourceProperty = "ModeSource";

    /// <summary>
    /// Diagnostic property of KA2001: "true" when a checkpoint at each place a path leaves fixes every uncovered path:
    /// every additional location is the end of the body or a <c>return;</c> in a block or switch section (not in a
    /// <c>catch</c> or <c>finally</c>, where a checkpoint is KA2007's or KA2008's).
    /// </summary>
    public const string FixAtExitsProperty = "FixAtExits";

    /// <summary>Diagnostic property: "true" when <c>[assembly: KinesisHandlerDefaults]</c> sets a checkpoint mode other than AfterEachBatch.</summary>
    public const string AssemblyDefaultIsNotAfterBatchProperty = "AssemblyDefaultIsNotAfterBatch";

    /// <summary><see cref="ModeSourceProperty"/>: the handler's own attribute sets the mode.</summary>
    public const string ModeFromAttribute = "Attribute";

    /// <summary><see cref="ModeSourceProperty"/>: the mode comes from <c>[assembly: KinesisHandlerDefaults]</c>.</summary>
    public const string ModeFromAssembly = "Assembly";

    private static readonly SymbolDisplayFormat s_methodFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.ManualCheckpointMissing,
        Descriptors.ManualWithoutCheckpointer,
        Descriptors.UnusedCheckpointer,
        Descriptors.CheckpointNotAwaited,
        Descriptors.CheckpointPerRecord,
        Descriptors.CheckpointerEscapes,
        Descriptors.CheckpointInSwallowingCatch,
        Descriptors.CheckpointInFinally);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        KnownTypes.OnCompilationStart(context, static (start, types) =>
        {
            if (CheckpointSymbols.TryCreate(types.Symbols) is not { } symbols)
            {
                return;
            }

            // Only handler bodies are analyzed: whether a method is one is decided once per method, before its operations.
            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                    && types.HandlerAttributeOf(method) is { } attribute
                    && HandlerShapeRules.Analyze(method, attribute, types) is { Problem: null, Signature: { } signature, Settings: { } settings })
                {
                    block.RegisterOperationAction(c => AnalyzeBody(c, method, signature, settings, symbols), OperationKind.MethodBody);
                }
            });

            // An unawaited checkpoint is wrong wherever it is, not only in a handler (helpers that take the checkpointer).
            start.RegisterOperationAction(c => UnawaitedCheckpointRule.Analyze(c, symbols), OperationKind.Invocation);
        });
    }

    /// <summary>A handler body; a method the generator skips is KA1001's (it never runs, so its checkpoints do not matter yet).</summary>
    private static void AnalyzeBody(OperationAnalysisContext context, IMethodSymbol method, Signature signature, ResolvedHandlerSettings settings, CheckpointSymbols symbols)
    {
        if (context.Operation is not IMethodBodyOperation body)
        {
            return;
        }

        var mode = settings.CheckpointMode;
        var defaultMode = settings.Defaults.Settings.CheckpointMode;
        var modeSource = settings.Own.Settings.CheckpointMode is null && defaultMode is not null ? ModeFromAssembly : ModeFromAttribute;
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(ModeSourceProperty, modeSource)
            .Add(AssemblyDefaultIsNotAfterBatchProperty, defaultMode is not null and not RuntimeContract.DefaultCheckpointMode ? "true" : "false");

        var checkpointer = ParameterOf(method, signature, ParameterKind.Checkpointer);
        var payload = ParameterOf(method, signature, ParameterKind.Payload);
        var name = method.ToDisplayString(s_methodFormat);
        var handler = new HandlerCheckpointInfo(checkpointer, signature.Shape == HandlerShape.Record ? null : payload, body, symbols);

        if (checkpointer is null)
        {
            if (mode == RuntimeContract.CheckpointManual)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ManualWithoutCheckpointer, method.Locations[0], properties, name));
            }

            return;
        }

        if (!body.Descendants().Any(o => o is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, checkpointer)))
        {
            var advice = mode == RuntimeContract.CheckpointManual
                ? "with CheckpointMode.Manual the handler never checkpoints, so the shard's checkpoint never moves"
                : "the processor checkpoints by itself in this mode, so remove the parameter or checkpoint with it";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnusedCheckpointer, checkpointer.Locations[0], checkpointer.Name, name, advice));
            return;
        }

        if (mode == RuntimeContract.CheckpointManual)
        {
            ManualCheckpointRule(context, method, body, signature, handler, name, properties);
        }

        if (signature.Shape != HandlerShape.Record && payload is not null)
        {
            PerRecordCheckpointRule.Analyze(context, body, payload, symbols);
        }

        EscapeRule.Analyze(context, body, handler);
        FailurePathCheckpointRule.Analyze(context, body, symbols);
    }

    private static IParameterSymbol? ParameterOf(IMethodSymbol method, Signature signature, ParameterKind kind)
    {
        for (var i = 0; i < signature.Parameters.Length; i++)
        {
            if (signature.Parameters[i] == kind)
            {
                return method.Parameters[i];
            }
        }

        return null;
    }

    private static void ManualCheckpointRule(
        OperationAnalysisContext context,
        IMethodSymbol method,
        IMethodBodyOperation body,
        Signature signature,
        HandlerCheckpointInfo handler,
        string name,
        ImmutableDictionary<string, string?> properties)
    {
        var graph = context.GetControlFlowGraph();
        var flow = new CheckpointFlow(graph, handler);

        // A per-record handler may checkpoint only every so many records (each checkpoint covers every record before
        // it), so a path without one is not a mistake; one that can never checkpoint is.
        if (signature.Shape == HandlerShape.Record)
        {
            if (!body.Descendants().Any(o => flow.IsCheckpointPoint(o)))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ManualCheckpointMissing, method.Locations[0], properties.Add(FixAtExitsProperty, "false"), name, "no path through it checkpoints"));
            }

            return;
        }

        var exits = flow.FindUncoveredExits();
        if (exits.IsEmpty)
        {
            return;
        }

        var locations = exits.Select(e => ExitLocation(e, body)).Distinct().OrderBy(l => l.SourceSpan.Start).ToList();
        var endOfBody = EndOfBody(body);
        var fixAtExits = endOfBody is not null && locations.All(l => l == endOfBody || IsFixableReturn(l, body));
        var line = locations[0].GetLineSpan().StartLinePosition.Line + 1;
        var path = locations[0] == endOfBody
            ? "the path that reaches the end of the method finishes without checkpointing"
            : $"the path that leaves at line {line} finishes without checkpointing";
        if (locations.Count > 1)
        {
            path += $" (and {locations.Count - 1} more)";
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.ManualCheckpointMissing,
            method.Locations[0],
            locations,
            properties.Add(FixAtExitsProperty, fixAtExits ? "true" : "false"),
            name,
            path));
    }

    /// <summary>Where a path leaves: the statement <see cref="ExitLocator"/> names, or the end of the body.</summary>
    private static Location ExitLocation(UncoveredExit exit, IMethodBodyOperation body) =>
        ExitLocator.Find(exit)?.GetLocation()
        ?? EndOfBody(body)
        ?? exit.Source.BranchValue?.Syntax.AncestorsAndSelf().FirstOrDefault(s => s is StatementSyntax or ArrowExpressionClauseSyntax)?.GetLocation()
        ?? body.Syntax.GetLocation();

    private static bool IsFixableReturn(Location location, IMethodBodyOperation body) =>
        body.Syntax.FindNode(location.SourceSpan, getInnermostNodeForTie: true) is ReturnStatementSyntax { Expression: null, Parent: BlockSyntax or SwitchSectionSyntax } statement
        && !statement.Ancestors().TakeWhile(a => a != body.Syntax).Any(a => a is CatchClauseSyntax or FinallyClauseSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);

    private static Location? EndOfBody(IMethodBodyOperation body) =>
        body.BlockBody?.Syntax is BlockSyntax block ? block.CloseBraceToken.GetLocation() : null;
}
