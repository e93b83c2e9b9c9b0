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
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var adding = diagnostic.Id == DiagnosticIds.ManualWithoutCheckpointer;
        if (!adding && (!diagnostic.Properties.TryGetValue(CheckpointAnalyzer.FixAtExitsProperty, out var atExits) || atExits != "true"))
        {
            return;
        }

        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { Body: not null } method
            || !method.Modifiers.Any(SyntaxKind.AsyncKeyword)
            || model?.GetDeclaredSymbol(method, context.CancellationToken) is not { } symbol)
        {
            return;
        }

        var checkpointerType = model.Compilation.GetTypeByMetadataName(KnownTypeNames.CheckpointerMetadata);
        var tokenType = model.Compilation.GetTypeByMetadataName(KnownTypeNames.CancellationTokenMetadata);
        var checkpointer = symbol.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, checkpointerType));
        var token = symbol.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, tokenType));
        if (checkpointerType is null
            || (adding ? checkpointer is not null || symbol.Parameters.Any(p => p.Name == "checkpointer") : checkpointer is null))
        {
            return;
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
        context.RegisterCodeFix(
            CodeAction.Create(
                title,
                cancellationToken => FixAsync(context.Document, root, model, method, call, returns, atEnd, adding, token?.Name, cancellationToken),
                CodeFixIds.AddCheckpointAtEnd),
            diagnostic);
    }

    private static Task<Document> FixAsync(
        Document document,
        SyntaxNode root,
        SemanticModel model,
        MethodDeclarationSyntax method,
        string call,
        IReadOnlyList<ReturnStatementSyntax> returns,
        bool atEnd,
        bool addParameter,
        string? tokenName,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var newLine = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
        var tracked = method.TrackNodes(returns);
        foreach (var original in returns)
        {
            // Before the return, on its own line with the return's indentation.
            var current = tracked.GetCurrentNode(original)!;
            var before = SyntaxFactory.ParseStatement(call)
                .WithLeadingTrivia(SyntaxFactory.ParseLeadingTrivia(Indentation(current.GetLeadingTrivia())))
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
            tracked = tracked.InsertNodesBefore(current, [before]);
        }

        var newMethod = atEnd ? WithCheckpointAtEnd(tracked, call, newLine) : tracked;
        if (addParameter)
        {
            var simpleName = KnownTypeNames.SimpleName(KnownTypeNames.CheckpointerMetadata);
            var typeName = model.LookupNamespacesAndTypes(method.SpanStart, name: simpleName).Any()
                ? simpleName
                : KnownTypeNames.CheckpointerMetadata;
            var parameters = newMethod.ParameterList.Parameters.Select(p => p.ToString()).ToList();
            var tokenIndex = tokenName is null ? -1 : newMethod.ParameterList.Parameters.IndexOf(p => p.Identifier.Text == tokenName);
            parameters.Insert(tokenIndex < 0 ? parameters.Count : tokenIndex, typeName + " checkpointer");
            newMethod = newMethod.WithParameterList(
                SyntaxFactory.ParseParameterList("(" + string.Join(", ", parameters) + ")").WithTriviaFrom(newMethod.ParameterList));
        }

        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(method, newMethod)));
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
}
