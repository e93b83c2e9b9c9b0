using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2004: a checkpoint call whose task is dropped: used as a statement, assigned to the discard <c>_</c>, or kept in a
/// local that is never read (also through <c>?.</c>, <c>ConfigureAwait</c> or <c>AsTask</c>). A task that is returned,
/// stored elsewhere, passed on or read from its local may be awaited there and is not reported.
/// </summary>
internal static class UnawaitedCheckpointRule
{
    public static void Analyze(OperationAnalysisContext context, CheckpointSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!symbols.IsCheckpointCall(invocation))
        {
            return;
        }

        if (IsDropped(invocation))
        {
            var method = invocation.TargetMethod;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.CheckpointNotAwaited, invocation.Syntax.GetLocation(), method.ContainingType.Name + "." + method.Name));
        }
    }

    /// <summary>Whether <paramref name="local"/> is read anywhere in the body that declares it (writes to it do not count).</summary>
    private static bool IsRead(ILocalSymbol local, IOperation within)
    {
        var root = within;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root.Descendants().OfType<ILocalReferenceOperation>().Any(reference =>
            SymbolEqualityComparer.Default.Equals(reference.Local, local)
            && !(reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference));
    }

    /// <summary>Whether the value of <paramref name="operation"/> (a task) is thrown away.</summary>
    public static bool IsDropped(IOperation operation)
    {
        var current = operation;
        while (true)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation:
                case IConditionalAccessOperation access when access.WhenNotNull == current:
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "AsTask" or "Preserve" } wrapper when wrapper.Instance == current:
                    current = parent;
                    continue;
                case IExpressionStatementOperation:
                    return true;
                case ISimpleAssignmentOperation { Target: IDiscardOperation } assignment when assignment.Value == current:
                    return true;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == current:
                    return !IsRead(target.Local, assignment);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return !IsRead(declarator.Symbol, declarator);
                default:
                    return false;
            }
        }
    }
}
