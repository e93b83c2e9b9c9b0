using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2005: a batch handler's checkpoint that runs once per record: in every iteration of a loop whose iterations are
/// the batch's records. What the loop iterates decides it: the batch itself, a copy or an element-preserving view of it
/// (<c>Where</c>, <c>Select</c>, <c>OrderBy</c>, <c>ToList</c>, <c>new List&lt;T&gt;(batch)</c>, a local holding one),
/// or an index stepped by one, is per record; groups of records (<c>Chunk</c>, <c>GroupBy</c>, any operator whose
/// elements are themselves sequences of records) and an index stepped by more than one are not (a checkpoint per
/// chunk or page is what KA2005's page recommends). A checkpoint under an <c>if</c>, <c>switch</c> or <c>catch</c>
/// inside the loop is deliberate and not reported. A lambda passed to a call that is also given a per-record
/// sequence (<c>Parallel.ForEachAsync(orders, …)</c>, <c>orders.Select(…)</c>) is the body of such a loop; any other
/// lambda, and a local function, is not.
/// </summary>
internal static class PerRecordCheckpointRule
{
    // Locals followed to their initialiser at most this deep (var a = orders.ToList(); var b = a.Where(…); …).
    private const int MaxDepth = 8;

    private enum Sequence
    {
        /// <summary>Not known to be made of the batch's records.</summary>
        Other,

        /// <summary>One element per record of the batch (or per record kept by a filter).</summary>
        Records,

        /// <summary>Groups of records: chunks, pages, groupings.</summary>
        Groups,
    }

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
                case ILoopOperation loop when IteratesPerRecord(loop, payload):
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
                .Any(value => Classify(value, payload, 0) == Sequence.Records);
    }

    private static bool IteratesPerRecord(ILoopOperation loop, IParameterSymbol payload)
    {
        switch (loop)
        {
            case IForEachLoopOperation forEach:
                return Classify(forEach.Collection, payload, 0) == Sequence.Records;
            case IForLoopOperation forLoop:
                return IndexLoopIsPerRecord(forLoop, forLoop.Condition, payload);
            case IWhileLoopOperation whileLoop:
                return IndexLoopIsPerRecord(whileLoop, whileLoop.Condition, payload);
            default:
                return false;
        }
    }

    /// <summary>
    /// What a sequence is made of, followed back through conversions, locals (to their initialiser), copies and
    /// operators: an operator whose elements are sequences of its source's elements groups them (<c>Chunk</c> gives
    /// <c>T[]</c>, <c>GroupBy</c> <c>IGrouping&lt;K, T&gt;</c>); any other operator returning a sequence keeps one element per
    /// source element, or fewer (<c>Where</c>, <c>Select</c>, <c>OrderBy</c>, <c>ToList</c>). The iteration variable of
    /// a loop over groups is itself a sequence of records.
    /// </summary>
    private static Sequence Classify(IOperation? operation, IParameterSymbol payload, int depth)
    {
        operation = CheckpointSymbols.Unwrap(operation);
        if (operation is null || depth > MaxDepth)
        {
            return Sequence.Other;
        }

        switch (operation)
        {
            case IParameterReferenceOperation parameter:
                return SymbolEqualityComparer.Default.Equals(parameter.Parameter, payload) ? Sequence.Records : Sequence.Other;

            case ILocalReferenceOperation local:
                return ClassifyLocal(local, payload, depth);

            case IInvocationOperation call:
            {
                // The sequence it works on: the extension's `this`, the instance, or (a static helper) its first sequence argument.
                var source = call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value
                    : call.Instance ?? call.Arguments.Select(a => a.Value).FirstOrDefault(v => Classify(v, payload, depth + 1) != Sequence.Other);
                return Derive(Classify(source, payload, depth + 1), source?.Type, call.Type);
            }

            case IObjectCreationOperation creation:
            {
                // new List<Order>(orders), new Queue<Order>(orders.Where(…))
                var source = creation.Arguments.Select(a => a.Value).FirstOrDefault(v => Classify(v, payload, depth + 1) != Sequence.Other);
                return Derive(Classify(source, payload, depth + 1), source?.Type, creation.Type);
            }

            default:
                return Sequence.Other;
        }
    }

    private static Sequence Derive(Sequence source, ITypeSymbol? sourceType, ITypeSymbol? resultType)
    {
        if (source == Sequence.Other || ElementType(sourceType) is not { } element || ElementType(resultType) is not { } resultElement)
        {
            return Sequence.Other;
        }

        if (source == Sequence.Records)
        {
            // orders.Chunk(250): elements that are sequences of records are groups; anything else is one per record.
            return SymbolEqualityComparer.Default.Equals(ElementType(resultElement), element) ? Sequence.Groups : Sequence.Records;
        }

        // Over groups: SelectMany back to the records is per record again; anything else is still one per group.
        return SymbolEqualityComparer.Default.Equals(resultElement, ElementType(element)) ? Sequence.Records : Sequence.Groups;
    }

    private static Sequence ClassifyLocal(ILocalReferenceOperation reference, IParameterSymbol payload, int depth)
    {
        var root = (IOperation)reference;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    return Classify(declarator.Initializer?.Value, payload, depth + 1);
                case IForEachLoopOperation forEach when forEach.Locals.Contains(reference.Local, SymbolEqualityComparer.Default):
                    // foreach (var chunk in orders.Chunk(250)): each chunk is records.
                    return Classify(forEach.Collection, payload, depth + 1) == Sequence.Groups ? Sequence.Records : Sequence.Other;
            }
        }

        return Sequence.Other;
    }

    /// <summary>The T of an <c>IEnumerable&lt;T&gt;</c> (arrays included), or null; strings are not sequences of records.</summary>
    private static ITypeSymbol? ElementType(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } enumerable)
        {
            return enumerable.TypeArguments[0];
        }

        return type.AllInterfaces
            .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)?.TypeArguments[0];
    }

    /// <summary>
    /// A <c>for</c>/<c>while</c> whose condition reads the batch walks it by index: per record when its index moves by
    /// one (<c>i++</c>, <c>i += 1</c>) or is not moved in a way the rule can see; not when it moves by anything else
    /// (<c>start += 500</c>, <c>i += chunk.Length</c>): that loop goes page by page.
    /// </summary>
    private static bool IndexLoopIsPerRecord(ILoopOperation loop, IOperation? condition, IParameterSymbol payload)
    {
        if (condition is null || !References(condition, payload))
        {
            return false;
        }

        var indexes = condition.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(l => l.Local).ToList();
        foreach (var operation in loop.Descendants())
        {
            var (target, step) = operation switch
            {
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound => (compound.Target, compound.Value),
                ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } sum } simple
                    when CheckpointSymbols.Unwrap(sum.LeftOperand) is ILocalReferenceOperation left && CheckpointSymbols.Unwrap(simple.Target) is ILocalReferenceOperation right
                        && SymbolEqualityComparer.Default.Equals(left.Local, right.Local) => (simple.Target, sum.RightOperand),
                _ => (null, null),
            };
            if (CheckpointSymbols.Unwrap(target) is ILocalReferenceOperation stepped
                && indexes.Contains(stepped.Local, SymbolEqualityComparer.Default)
                && CheckpointSymbols.Unwrap(step)?.ConstantValue is not { HasValue: true, Value: 1 })
            {
                return false;
            }
        }

        return true;
    }

    private static bool References(IOperation operation, IParameterSymbol payload) =>
        operation.DescendantsAndSelf().Any(o => o is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, payload));
}
