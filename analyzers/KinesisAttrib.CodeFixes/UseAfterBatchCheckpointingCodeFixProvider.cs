using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisAttrib.Analyzers;
using KinesisAttrib.Analyzers.Checkpointing;
using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KinesisAttrib.CodeFixes;

/// <summary>
/// KA2001/KA2002: lets the processor checkpoint after each batch. Removes <c>CheckpointMode = CheckpointMode.Manual</c>
/// from the handler's attribute (AfterEachBatch is the default), or sets it to <c>CheckpointMode.AfterEachBatch</c> when
/// the manual mode comes from <c>[assembly: KinesisHandlerDefaults]</c> or removing it would inherit another default.
/// Checkpoint calls in the body stay: they are allowed in that mode.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseAfterBatchCheckpointingCodeFixProvider))]
public sealed class UseAfterBatchCheckpointingCodeFixProvider : CodeFixProvider
{
    private const string ModeProperty = RuntimeContract.CheckpointModeProperty;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.ManualCheckpointMissing, DiagnosticIds.ManualWithoutCheckpointer);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || model is null
            || FindHandlerAttribute(method, model, context.CancellationToken) is not { ArgumentList: { } arguments } attribute)
        {
            return;
        }

        var fromAssembly = diagnostic.Properties.TryGetValue(CheckpointAnalyzer.ModeSourceProperty, out var source)
            && source == CheckpointAnalyzer.ModeFromAssembly;
        var otherDefault = diagnostic.Properties.TryGetValue(CheckpointAnalyzer.AssemblyDefaultIsNotAfterBatchProperty, out var value)
            && value == "true";
        var own = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == ModeProperty);
        if (!fromAssembly && own is null)
        {
            return;
        }

        var modeType = KnownTypeNames.SimpleName(KnownTypeNames.CheckpointModeMetadata);
        var modeName = model.LookupNamespacesAndTypes(attribute.SpanStart, name: modeType).Any()
            ? modeType
            : KnownTypeNames.CheckpointModeMetadata;
        var texts = arguments.Arguments.Where(a => a != own).Select(a => a.ToString()).ToList();
        if (fromAssembly || otherDefault)
        {
            texts.Add($"{ModeProperty} = {modeName}.{RuntimeContract.CheckpointModeNames[RuntimeContract.CheckpointAfterEachBatch]}");
        }

        if (SyntaxFactory.ParseAttributeArgumentList("(" + string.Join(", ", texts) + ")") is not { } parsed)
        {
            return;
        }

        var newArguments = parsed.WithTriviaFrom(arguments);
        context.RegisterCodeFix(
            CodeAction.Create(
                "Let the processor checkpoint after each batch (CheckpointMode.AfterEachBatch)",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(arguments, newArguments))),
                CodeFixIds.UseAfterBatchCheckpointing),
            diagnostic);
    }

    private static AttributeSyntax? FindHandlerAttribute(MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellationToken)
    {
        var handlerAttribute = model.Compilation.GetTypeByMetadataName(KnownTypeNames.KinesisHandlerAttribute);
        return method.AttributeLists
            .SelectMany(list => list.Attributes)
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(
                model.GetSymbolInfo(a, cancellationToken).Symbol?.ContainingType, handlerAttribute));
    }
}
