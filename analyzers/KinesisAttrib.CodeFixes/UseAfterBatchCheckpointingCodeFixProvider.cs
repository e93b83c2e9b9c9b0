using System.Collections.Generic;
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
    /// <remarks>
    /// Fix-all covers a document or a project, not a solution. This fix changes how the handler checkpoints, which only
    /// its title says; <c>dotnet format analyzers</c> shows no titles and applies every fixer of a diagnostic id in
    /// Solution scope, so leaving that scope out keeps it from turning manual handlers into after-batch ones unasked
    /// (it logs that the fix does not support Fix All in Solution and applies <see cref="AddCheckpointAtEndCodeFixProvider"/>).
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(
            static async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false),
            ImmutableArray.Create(FixAllScope.Document, FixAllScope.Project));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || Prepare(diagnostic, root, model, context.CancellationToken) is null)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Let the processor checkpoint after each batch (CheckpointMode.AfterEachBatch)",
                cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                CodeFixIds.UseAfterBatchCheckpointing),
            diagnostic);
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var fixes = new Dictionary<AttributeArgumentListSyntax, AttributeArgumentListSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (Prepare(diagnostic, root, model, cancellationToken) is { } fix && !fixes.ContainsKey(fix.Old))
            {
                fixes.Add(fix.Old, fix.New);
            }
        }

        return fixes.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(fixes.Keys, (original, _) => fixes[original]));
    }

    // The handler attribute's arguments and what they become; null when the fix does not apply.
    private static (AttributeArgumentListSyntax Old, AttributeArgumentListSyntax New)? Prepare(Diagnostic diagnostic, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || FindHandlerAttribute(method, model, cancellationToken) is not { ArgumentList: { } arguments } attribute)
        {
            return null;
        }

        var fromAssembly = diagnostic.Properties.TryGetValue(CheckpointAnalyzer.ModeSourceProperty, out var source)
            && source == CheckpointAnalyzer.ModeFromAssembly;
        var otherDefault = diagnostic.Properties.TryGetValue(CheckpointAnalyzer.AssemblyDefaultIsNotAfterBatchProperty, out var value)
            && value == "true";
        var own = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == ModeProperty);
        if (!fromAssembly && own is null)
        {
            return null;
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

        return SyntaxFactory.ParseAttributeArgumentList("(" + string.Join(", ", texts) + ")") is { } parsed
            ? (arguments, parsed.WithTriviaFrom(arguments))
            : null;
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
