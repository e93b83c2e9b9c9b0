using System.Collections.Immutable;
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
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
            || node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement
            || !IsInAsyncFunction(statement))
        {
            return;
        }

        // The dropped value: the statement's expression, or the right side of `_ = …`.
        var dropped = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" } } discard
            ? discard.Right
            : statement.Expression;
        if (dropped is ConditionalAccessExpressionSyntax || !dropped.Span.Contains(diagnostic.Location.SourceSpan))
        {
            // `checkpointer?.CheckpointAsync()` yields a nullable task, which cannot be awaited as it is.
            return;
        }

        var awaited = SyntaxFactory.AwaitExpression(dropped.WithoutTrivia())
            .WithLeadingTrivia(statement.Expression.GetLeadingTrivia());
        var newStatement = statement.WithExpression(awaited);
        context.RegisterCodeFix(
            CodeAction.Create(
                "Await the checkpoint",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, newStatement))),
                CodeFixIds.AwaitCheckpoint),
            diagnostic);
    }

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
