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
/// KA2001/KA2002: adds <c>await checkpointer.CheckpointAsync(cancellationToken);</c> as the last statement of an
/// <c>async</c> handler with a block body (before trailing local functions), using the handler's CancellationToken
/// when it has one. For KA2001 only when the paths without a checkpoint all reach the end of the body (a checkpoint
/// there fixes them all); for KA2002 the checkpointer parameter is added too, before the CancellationToken.
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
        if (!adding && (!diagnostic.Properties.TryGetValue(CheckpointAnalyzer.FixAtEndProperty, out var atEnd) || atEnd != "true"))
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
        var title = adding ? $"Take an IRecordProcessorCheckpointer and add '{call}' at the end" : $"Add '{call}' at the end of the handler";
        context.RegisterCodeFix(
            CodeAction.Create(
                title,
                cancellationToken => FixAsync(context.Document, root, model, method, call, adding, token?.Name, cancellationToken),
                CodeFixIds.AddCheckpointAtEnd),
            diagnostic);
    }

    private static Task<Document> FixAsync(
        Document document, SyntaxNode root, SemanticModel model, MethodDeclarationSyntax method, string call, bool addParameter, string? tokenName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var body = method.Body!;
        var newLine = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
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

        var newMethod = method.WithBody(body.WithStatements(statements.Insert(index, statement)));
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

    private static string Indentation(SyntaxTriviaList trivia) =>
        trivia.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToFullString();
}
