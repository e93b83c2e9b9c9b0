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
/// KA2001/KA2002: adds <c>await checkpointer.CheckpointAsync(cancellationToken);</c> where the paths without one leave
/// an <c>async</c> handler with a block body: as the last statement (before trailing local functions), and for KA2001
/// before each <c>return;</c> the diagnostic names, using the handler's CancellationToken when it has one. For KA2001
/// only when every such exit is the end of the body or a plain <c>return;</c> outside <c>catch</c>/<c>finally</c>
/// (<see cref="CheckpointAnalyzer.FixAtExitsProperty"/>); for KA2002 the checkpointer parameter is added too, before
/// the CancellationToken.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCheckpointAtEndCodeFixProvider))]
public sealed class AddCheckpointAtEndCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.ManualCheckpointMissing, DiagnosticIds.ManualWithoutCheckpointer);

    /// <inheritdoc />
    /// <remarks>
    /// Fix-all edits each document once, for every diagnostic it can fix and skipping the others, whichever diagnostic the
    /// host asked from: <c>dotnet format</c> takes the first one it finds, which may be one this fix does not cover.
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || Prepare(diagnostic, root, model, context.CancellationToken) is not { } plan)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                plan.Title,
                cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                CodeFixIds.AddCheckpointAtEnd),
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

        var newLine = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
        var fixes = new Dictionary<MethodDeclarationSyntax, MethodDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (Prepare(diagnostic, root, model, cancellationToken) is { } plan && !fixes.ContainsKey(plan.Method))
            {
                fixes.Add(plan.Method, Apply(plan, model, newLine));
            }
        }

        return fixes.Count == 0 ? document : document.WithSyntaxRoot(root.ReplaceNodes(fixes.Keys, (original, _) => fixes[original]));
    }

    // What the fix does for one diagnostic; null when it does not apply (see the class summary).
    private static Plan? Prepare(Diagnostic diagnostic, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        var adding = diagnostic.Id == DiagnosticIds.ManualWithoutCheckpointer;
        if (!adding && (!diagnostic.Properties.TryGetValue(CheckpointAnalyzer.FixAtExitsProperty, out var atExits) || atExits != "true"))
        {
            return null;
        }

        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { Body: not null } method
            || !method.Modifiers.Any(SyntaxKind.AsyncKeyword)
            || model.GetDeclaredSymbol(method, cancellationToken) is not { } symbol)
        {
            return null;
        }

        var checkpointerType = model.Compilation.GetTypeByMetadataName(KnownTypeNames.CheckpointerMetadata);
        var tokenType = model.Compilation.GetTypeByMetadataName(KnownTypeNames.CancellationTokenMetadata);
        var checkpointer = symbol.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, checkpointerType));
        var token = symbol.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, tokenType));
        if (checkpointerType is null
            || (adding ? checkpointer is not null || symbol.Parameters.Any(p => p.Name == "checkpointer") : checkpointer is null))
        {
            return null;
        }

        var checkpointerName = checkpointer?.Name ?? "checkpointer";
        var call = $"await {checkpointerName}.{RuntimeContract.CheckpointAsyncMethod}({token?.Name});";

        // The exits the diagnostic names: returns get the checkpoint before them, the closing brace at the end.
        var returns = diagnostic.AdditionalLocations
            .Select(l => root.FindNode(l.SourceSpan, getInnermostNodeForTie: true))
            .OfType<ReturnStatementSyntax>()
            .ToList();
        var atEnd = adding || returns.Count < diagnostic.AdditionalLocations.Count;
        var title = adding ? $"Take an IRecordProcessorCheckpointer and add '{call}' at the end"
            : returns.Count == 0 ? $"Add '{call}' at the end of the handler"
            : $"Add '{call}' where the handler finishes without it";
        return new Plan(method, call, returns, atEnd, adding, token?.Name, title);
    }

    private static MethodDeclarationSyntax Apply(Plan plan, SemanticModel model, string newLine)
    {
        var method = plan.Method;
        var tracked = method.TrackNodes(plan.Returns);
        foreach (var original in plan.Returns)
        {
            // Before the return, on its own line with the return's indentation.
            var current = tracked.GetCurrentNode(original)!;
            var before = SyntaxFactory.ParseStatement(plan.Call)
                .WithLeadingTrivia(SyntaxFactory.ParseLeadingTrivia(Indentation(current.GetLeadingTrivia())))
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
            tracked = tracked.InsertNodesBefore(current, [before]);
        }

        var newMethod = plan.AtEnd ? WithCheckpointAtEnd(tracked, plan.Call, newLine) : tracked;
        if (plan.AddParameter)
        {
            var simpleName = KnownTypeNames.SimpleName(KnownTypeNames.CheckpointerMetadata);
            var typeName = model.LookupNamespacesAndTypes(method.SpanStart, name: simpleName).Any()
                ? simpleName
                : KnownTypeNames.CheckpointerMetadata;
            var parameters = newMethod.ParameterList.Parameters.Select(p => p.ToString()).ToList();
            var tokenIndex = plan.TokenName is null ? -1 : newMethod.ParameterList.Parameters.IndexOf(p => p.Identifier.Text == plan.TokenName);
            parameters.Insert(tokenIndex < 0 ? parameters.Count : tokenIndex, typeName + " checkpointer");
            newMethod = newMethod.WithParameterList(
                SyntaxFactory.ParseParameterList("(" + string.Join(", ", parameters) + ")").WithTriviaFrom(newMethod.ParameterList));
        }

        return newMethod;
    }

    private static MethodDeclarationSyntax WithCheckpointAtEnd(MethodDeclarationSyntax method, string call, string newLine)
    {
        var body = method.Body!;
        var statements = body.Statements;

        // Before local functions declared at the end: they are not the "end" a reader looks for.
        var index = statements.Count;
        while (index > 0 && statements[index - 1] is LocalFunctionStatementSyntax)
        {
            index--;
        }

        var indentation = statements.Count > 0
            ? Indentation(statements[0].GetLeadingTrivia())
            : Indentation(body.OpenBraceToken.LeadingTrivia) + "    ";

        // A blank line after what comes before; one before the local functions stays in their leading trivia.
        var statement = SyntaxFactory.ParseStatement(call)
            .WithLeadingTrivia(SyntaxFactory.ParseLeadingTrivia((index > 0 ? newLine : string.Empty) + indentation))
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));

        return method.WithBody(body.WithStatements(statements.Insert(index, statement)));
    }

    private static string Indentation(SyntaxTriviaList trivia) =>
        trivia.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToFullString();

    private sealed record Plan(
        MethodDeclarationSyntax Method,
        string Call,
        IReadOnlyList<ReturnStatementSyntax> Returns,
        bool AtEnd,
        bool AddParameter,
        string? TokenName,
        string Title);
}
