using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2007: a checkpoint inside a catch block that can finish without rethrowing, when the try block did work besides
/// checkpointing (so the failure caught is the records' handling, not a checkpoint being retried) and the catch block
/// awaits nothing but checkpoints (awaiting other work, such as writing the records to a dead-letter store, is taken
/// as handling them). KA2008: a checkpoint in a finally block (not under a condition there) of such a try block, which
/// runs when the try block throws as well.
/// </summary>
internal static class FailurePathCheckpointRule
{
    public static void Analyze(OperationAnalysisContext context, IMethodBodyOperation body, CheckpointSymbols symbols)
    {
        foreach (var tryOperation in body.Descendants().OfType<ITryOperation>())
        {
            if (!OwnOperations(tryOperation.Body).Any(o => o is IInvocationOperation invocation && !IsCheckpointPlumbing(invocation, symbols)))
            {
                continue;
            }

            if (tryOperation.Finally is { } finallyBlock)
            {
                foreach (var checkpoint in OwnOperations(finallyBlock).OfType<IInvocationOperation>())
                {
                    if (symbols.IsCheckpointCall(checkpoint) && !IsConditional(checkpoint, finallyBlock))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.CheckpointInFinally, checkpoint.Syntax.GetLocation()));
                    }
                }
            }

            foreach (var catchClause in tryOperation.Catches)
            {
                var inCatch = OwnOperations(catchClause.Handler).ToList();
                var checkpoints = inCatch.OfType<IInvocationOperation>().Where(i => symbols.IsCheckpointCall(i)).ToList();
                if (checkpoints.Count == 0
                    || inCatch.OfType<IAwaitOperation>().Any(a => !IsCheckpointAwait(a, symbols))
                    || !Swallows(catchClause, context, symbols))
                {
                    continue;
                }

                foreach (var checkpoint in checkpoints)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.CheckpointInSwallowingCatch, checkpoint.Syntax.GetLocation()));
                }
            }
        }
    }

    /// <summary>The operations of a block, not those of lambdas and local functions in it (they run some other time).</summary>
    private static IEnumerable<IOperation> OwnOperations(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            yield return operation;
            foreach (var child in operation.ChildOperations)
            {
                if (child is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>Whether something between <paramref name="operation"/> and <paramref name="root"/> decides whether it runs.</summary>
    private static bool IsConditional(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IConditionalOperation or ISwitchOperation or ISwitchExpressionOperation or ICatchClauseOperation or ILoopOperation
                or IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } or ICoalesceOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCheckpointPlumbing(IInvocationOperation invocation, CheckpointSymbols symbols) =>
        symbols.IsCheckpointCall(invocation)
        || (invocation.TargetMethod.Name is "ConfigureAwait" or "AsTask" or "Preserve"
            && CheckpointSymbols.Unwrap(invocation.Instance) is IInvocationOperation inner && symbols.IsCheckpointCall(inner));

    private static bool IsCheckpointAwait(IAwaitOperation awaitOperation, CheckpointSymbols symbols) =>
        CheckpointSymbols.Unwrap(awaitOperation.Operation) is IInvocationOperation invocation && IsCheckpointPlumbing(invocation, symbols);

    /// <summary>Whether the catch block can be left other than by throwing or reporting a partial failure: its end is reachable, or it returns, breaks or jumps.</summary>
    private static bool Swallows(ICatchClauseOperation catchClause, OperationAnalysisContext context, CheckpointSymbols symbols)
    {
        if (catchClause.Syntax is not CatchClauseSyntax { Block: { } block } || catchClause.SemanticModel is not { } model)
        {
            return false;
        }

        if (block.Statements.Count == 0)
        {
            return true;
        }

        var flow = model.AnalyzeControlFlow(block.Statements.First(), block.Statements.Last());
        context.CancellationToken.ThrowIfCancellationRequested();
        // `return BatchResult.FailedAt(i);` reports the failure: the failed records come again.
        return flow is { Succeeded: true }
            && (flow.EndPointIsReachable
                || flow.ExitPoints.Any(s => !s.IsKind(SyntaxKind.ThrowStatement)
                    && !(s is ReturnStatementSyntax && model.GetOperation(s, context.CancellationToken) is IReturnOperation r && symbols.IsFailedAt(r.ReturnedValue))));
    }
}
