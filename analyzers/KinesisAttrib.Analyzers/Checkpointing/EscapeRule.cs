using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2006: the checkpointer, or a lambda or local function that uses it, ends up where it outlives the handler call:
/// a field, property, array element or event; a collection held in a field; a thread, timer or thread-pool item; a
/// call returning a task (<c>Task.Run</c>, <c>StartNew</c>, <c>ContinueWith</c>, a helper) given such a delegate, or a
/// call of a capturing local function, whose task is dropped or kept in a field. Passing it to other methods, or to a
/// task that is awaited, returned (the generated processor awaits the handler's task) or kept in a local, is not
/// reported: that code runs within the call, or cannot be seen.
/// </summary>
internal static class EscapeRule
{
    public static void Analyze(OperationAnalysisContext context, IMethodBodyOperation body, HandlerCheckpointInfo handler)
    {
        foreach (var operation in body.Descendants())
        {
            if (Describe(operation, handler) is { } how)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.CheckpointerEscapes, operation.Syntax.GetLocation(), how));
            }
        }
    }

    private static string? Describe(IOperation operation, HandlerCheckpointInfo handler)
    {
        switch (operation)
        {
            case IAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation or IArrayElementReferenceOperation } assignment
                when assignment is ISimpleAssignmentOperation or ICoalesceAssignmentOperation:
                return What(assignment.Value, handler) is { } what ? $"{what} stored in '{assignment.Target.Syntax}'" : null;

            case IEventAssignmentOperation { Adds: true } subscription when handler.IsCapturingFunction(subscription.HandlerValue):
                return $"is captured by a handler added to event '{subscription.EventReference.Syntax}'";

            case IInvocationOperation invocation:
                return DescribeCall(invocation, handler);

            case IObjectCreationOperation creation
                when (Is(creation.Type, handler.Symbols.Thread) || Is(creation.Type, handler.Symbols.Timer))
                    && creation.Arguments.Any(a => handler.IsCapturingFunction(a.Value)):
                return $"is captured by a delegate run by a new '{creation.Type!.Name}'";

            default:
                return null;
        }
    }

    private static string? DescribeCall(IInvocationOperation invocation, HandlerCheckpointInfo handler)
    {
        var method = invocation.TargetMethod;
        var symbols = handler.Symbols;

        // _pending.Add(checkpointer), s_queue.Enqueue(() => checkpointer.CheckpointAsync())
        if (method.Name is "Add" or "TryAdd" or "Enqueue" or "TryEnqueue" or "Push" or "Insert" or "AddOrUpdate" or "GetOrAdd"
            && CheckpointSymbols.Unwrap(invocation.Instance) is IFieldReferenceOperation or IPropertyReferenceOperation
            && invocation.Arguments.Select(a => What(a.Value, handler)).FirstOrDefault(w => w is not null) is { } added)
        {
            return $"{added} added to '{invocation.Instance!.Syntax}'";
        }

        var capturing = invocation.Arguments.Any(a => handler.IsCapturingFunction(a.Value));
        if (capturing && Is(method.ContainingType, symbols.ThreadPool))
        {
            return $"is captured by a work item queued with 'ThreadPool.{method.Name}'";
        }

        // Task.Run, StartNew, ContinueWith, a retry helper...: the delegate runs as part of a task nobody waits for.
        if (capturing && IsTaskLike(method.ReturnType) && IsLost(invocation))
        {
            return $"is captured by a delegate passed to '{method.ContainingType.Name}.{method.Name}' whose task is not awaited";
        }

        if (method.MethodKind == MethodKind.LocalFunction && handler.IsCapturingLocalFunction(method) && IsLost(invocation))
        {
            return $"is used by local function '{method.Name}', whose task is not awaited";
        }

        return null;
    }

    /// <summary>"is" or "is captured by a delegate": the value is the checkpointer or a function using it.</summary>
    private static string? What(IOperation value, HandlerCheckpointInfo handler)
    {
        if (handler.IsCheckpointerReference(value))
        {
            return "is";
        }

        return handler.IsCapturingFunction(value) ? "is captured by a delegate" : null;
    }

    /// <summary>A task nobody waits for: dropped, or kept in a field (where the handler's caller cannot see it).</summary>
    private static bool IsLost(IOperation task)
    {
        if (UnawaitedCheckpointRule.IsDropped(task))
        {
            return true;
        }

        var current = task;
        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment
            && assignment.Value == current;
    }

    private static bool IsTaskLike(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

    private static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, expected);
}
