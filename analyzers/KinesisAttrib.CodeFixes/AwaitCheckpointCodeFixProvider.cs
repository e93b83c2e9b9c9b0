using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisAttrib.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KinesisAttrib.CodeFixes;

/// <summary>
/// KA2004: awaits a dropped checkpoint, <c>checkpointer.CheckpointAsync(ct);</c> or <c>_ = checkpointer.CheckpointAsync(ct);</c>
/// becoming <c>await checkpointer.CheckpointAsync(ct);</c>. Offered only inside an <c>async</c> method, local function or
/// lambda, where that is all it takes (making a synchronous handler async changes its signature: left to the author).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitCheckpointCodeFixProvider))]
public sealed class AwaitCheckpointCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.CheckpointNotAwaited);

    /// <inheritdoc />
    /// <remarks>
    /// Fix-all edits each document once, for every diagnostic it can fix and skipping the others (a call in a synchronous
    /// method), whichever diagnostic the host asked from: <c>dotnet format</c> takes the first one it finds.
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || FixableStatement(root, diagnostic) is null)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Await the checkpoint",
                cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                CodeFixIds.AwaitCheckpoint),
            diagnostic);
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var statements = diagnostics
            .Select(d => FixableStatement(root, d))
            .OfType<ExpressionStatementSyntax>()
            .Distinct()
            .ToList();
        return statements.Count == 0
            ? document
            : document.WithSyntaxRoot(root.ReplaceNodes(statements, static (_, rewritten) => Awaited(rewritten)));
    }

    // The statement that drops the checkpoint, when awaiting it is all it takes; null otherwise.
    private static ExpressionStatementSyntax? FixableStatement(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
            || node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement
            || !IsInAsyncFunction(statement))
        {
            return null;
        }

        // `checkpointer?.CheckpointAsync()` yields a nullable task, which cannot be awaited as it is.
        var dropped = Dropped(statement);
        return dropped is ConditionalAccessExpressionSyntax || !dropped.Span.Contains(diagnostic.Location.SourceSpan) ? null : statement;
    }

    // The dropped value: the statement's expression, or the right side of `_ = …`.
    private static ExpressionSyntax Dropped(ExpressionStatementSyntax statement) =>
        statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" } } discard
            ? discard.Right
            : statement.Expression;

    private static ExpressionStatementSyntax Awaited(ExpressionStatementSyntax statement) =>
        statement.WithExpression(SyntaxFactory.AwaitExpression(Dropped(statement).WithoutTrivia())
            .WithLeadingTrivia(statement.Expression.GetLeadingTrivia()));

    private static bool IsInAsyncFunction(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
