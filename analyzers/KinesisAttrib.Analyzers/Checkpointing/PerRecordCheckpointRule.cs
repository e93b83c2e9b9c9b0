using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2005: a batch handler's checkpoint that runs in every iteration of a loop over its batch (a <c>foreach</c> over the
/// payload, or a <c>for</c>/<c>while</c> whose condition reads it). A checkpoint under an <c>if</c>, <c>switch</c> or
/// <c>catch</c> inside the loop (every N records, on a marker record) is deliberate and not reported. A lambda passed to
/// a call that is also given the batch (<c>Parallel.ForEachAsync(orders, …)</c>, <c>orders.Select(…)</c>) is taken as
/// the body of such a loop; any other lambda, and a local function, is not.
/// </summary>
internal static class PerRecordCheckpointRule
{
    public static void Analyze(OperationAnalysisContext context, IMethodBodyOperation body, IParameterSymbol payload, CheckpointSymbols symbols)
    {
        foreach (var invocation in body.Descendants().OfType<IInvocationOperation>())
        {
            if (symbols.IsCheckpointCall(invocation) && IsInBatchLoop(invocation, body, payload))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.CheckpointPerRecord, invocation.Syntax.GetLocation(), payload.Name));
            }
        }
    }

    private static bool IsInBatchLoop(IOperation operation, IOperation body, IParameterSymbol payload)
    {
        for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    // Parallel.ForEachAsync(orders, async (o, ct) => …), orders.Select(async o => …): a loop over the batch.
                    return IsPerElementCallback(lambda, payload);
                case ILocalFunctionOperation:
                case IConditionalOperation or ISwitchOperation or ISwitchExpressionOperation or ICatchClauseOperation:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr }:
                case ICoalesceOperation:
                    return false;
                case ILoopOperation loop when IteratesOver(loop, payload):
                    return true;
            }
        }

        return false;
    }

    private static bool IsPerElementCallback(IAnonymousFunctionOperation lambda, IParameterSymbol payload)
    {
        IOperation current = lambda;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation invocation } argument
            && invocation.Arguments.Where(a => a != argument).Select(a => a.Value).Append(invocation.Instance)
                .Any(value => IsBatchSequence(value, payload));
    }

    /// <summary>The batch itself, or a chain of extension calls on it (<c>orders.Where(…).Select(…)</c>).</summary>
    private static bool IsBatchSequence(IOperation? operation, IParameterSymbol payload) => CheckpointSymbols.Unwrap(operation) switch
    {
        IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, payload),
        IInvocationOperation { TargetMethod.IsExtensionMethod: true, Arguments.Length: > 0 } call => IsBatchSequence(call.Arguments[0].Value, payload),
        _ => false,
    };

    private static bool References(IOperation operation, IParameterSymbol payload) =>
        operation.DescendantsAndSelf().Any(o => o is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, payload));

    private static bool IteratesOver(ILoopOperation loop, IParameterSymbol payload)
    {
        var driver = loop switch
        {
            IForEachLoopOperation forEach => forEach.Collection,
            IForLoopOperation forLoop => forLoop.Condition,
            IWhileLoopOperation whileLoop => whileLoop.Condition,
            _ => null,
        };
        return driver is not null && References(driver, payload);
    }
}
