using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// KA2006: the checkpointer, or a lambda or local function that uses it, ends up where it outlives the handler call:
/// a field, property, array element or event; an element of a container that outlives the call (a list, queue, channel
/// or any generic type held in a member or given as a parameter); a thread, timer or thread-pool item; a callback
/// registration never disposed; a call returning a task (<c>Task.Run</c>, <c>ContinueWith</c>, a helper) given such a
/// delegate, or a call of a capturing async local function, whose task is dropped or kept in a field. Passing it to
/// other methods, to a task that is awaited or returned, or calling a synchronous local function, is not reported.
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

        // _pending.Add(checkpointer), s_channel.Writer.TryWrite(checkpointer), _work.Enqueue(() => checkpointer.CheckpointAsync()):
        // a container that outlives the call is handed the value as one of its elements.
        if (!IsLookupOrRemoval(method)
            && IsLongLived(invocation.Instance)
            && invocation.Arguments.Where(a => IsElementParameter(a.Parameter)).Select(a => What(a.Value, handler)).FirstOrDefault(w => w is not null) is { } added)
        {
            return $"{added} added to '{invocation.Instance!.Syntax}'";
        }

        var capturing = invocation.Arguments.Any(a => handler.IsCapturingFunction(a.Value));
        if (capturing && Is(method.ContainingType, symbols.ThreadPool))
        {
            return $"is captured by a work item queued with 'ThreadPool.{method.Name}'";
        }

        // ct.Register(…), observable.Subscribe(…): a callback kept until its registration is disposed, and it never is.
        if (capturing && !IsTaskLike(method.ReturnType) && IsDisposable(method.ReturnType) && UnawaitedCheckpointRule.IsDropped(invocation))
        {
            return $"is captured by a callback registered with '{method.ContainingType.Name}.{method.Name}' whose registration is never disposed";
        }

        // Task.Run, StartNew, ContinueWith, a retry helper...: the delegate runs as part of a task nobody waits for.
        if (capturing && IsTaskLike(method.ReturnType) && IsLost(invocation))
        {
            return $"is captured by a delegate passed to '{method.ContainingType.Name}.{method.Name}' whose task is not awaited";
        }

        // A synchronous local function runs within the call (a task it drops is KA2004's); an async one runs on past
        // its first await, so its task must be awaited, and an async void one cannot be.
        if (method.MethodKind == MethodKind.LocalFunction && handler.IsCapturingLocalFunction(method))
        {
            if (method.IsAsync && method.ReturnsVoid)
            {
                return $"is used by async void local function '{method.Name}', which nobody can await";
            }

            if (IsTaskLike(method.ReturnType) && IsLost(invocation))
            {
                return $"is used by local function '{method.Name}', whose task is not awaited";
            }
        }

        return null;
    }

    /// <summary>
    /// A receiver that outlives the call: rooted in a field or property (of this object or static, also through member
    /// chains such as <c>s_channel.Writer</c>), in a parameter (a queue handed in by the caller), or in a local
    /// initialised from one of those. A collection created in the handler and kept in a local dies with the call.
    /// </summary>
    private static bool IsLongLived(IOperation? receiver)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            switch (CheckpointSymbols.Unwrap(receiver))
            {
                case IFieldReferenceOperation { Instance: null } or IPropertyReferenceOperation { Instance: null }:
                case IFieldReferenceOperation { Instance: IInstanceReferenceOperation } or IPropertyReferenceOperation { Instance: IInstanceReferenceOperation }:
                case IParameterReferenceOperation:
                    return true;
                case IMemberReferenceOperation member:
                    receiver = member.Instance;
                    continue;
                case IInvocationOperation call:
                    receiver = call.Instance; // s_channel.Writer.AsSomething(), a getter method
                    continue;
                case ILocalReferenceOperation local:
                    receiver = InitializerOf(local);
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private static IOperation? InitializerOf(ILocalReferenceOperation local)
    {
        var root = (IOperation)local;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root.Descendants().OfType<IVariableDeclaratorOperation>()
            .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))?.Initializer?.Value;
    }

    /// <summary>
    /// A parameter that takes an element of its container: typed by one of the container's type parameters
    /// (<c>List&lt;T&gt;.Add(T)</c>, <c>ChannelWriter&lt;T&gt;.TryWrite(T)</c>, <c>ConcurrentDictionary&lt;K, V&gt;.TryAdd</c>),
    /// or a factory returning one (<c>GetOrAdd(key, Func&lt;K, V&gt;)</c>). Whatever the API is called, a value given
    /// there is kept by the container.
    /// </summary>
    private static bool IsElementParameter(IParameterSymbol? parameter)
    {
        var type = parameter?.OriginalDefinition.Type;
        if (type is INamedTypeSymbol { DelegateInvokeMethod.ReturnType: var returned })
        {
            type = returned;
        }

        return type is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Type } typeParameter
            && SymbolEqualityComparer.Default.Equals(typeParameter.DeclaringType, parameter!.ContainingType.OriginalDefinition);
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

    /// <summary>Container methods that take an element only to find it or take it out: nothing is kept.</summary>
    private static bool IsLookupOrRemoval(IMethodSymbol method) =>
        method.Name.StartsWith("Contains", System.StringComparison.Ordinal)
        || method.Name.StartsWith("Remove", System.StringComparison.Ordinal)
        || method.Name.StartsWith("TryRemove", System.StringComparison.Ordinal)
        || method.Name is "IndexOf" or "LastIndexOf" or "BinarySearch" or "Equals";

    private static bool IsDisposable(ITypeSymbol type) =>
        type.SpecialType == SpecialType.System_IDisposable || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_IDisposable);

    private static bool IsTaskLike(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

    private static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, expected);
}
