using KinesisAttrib.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>The checkpoint-related symbols of one compilation, and the questions every KA2xxx rule asks about an operation.</summary>
internal sealed class CheckpointSymbols
{
    private readonly KnownSymbols _known;

    private CheckpointSymbols(KnownSymbols known, INamedTypeSymbol checkpointer)
    {
        _known = known;
        Checkpointer = checkpointer;
        var compilation = known.Compilation;
        Prepared = compilation.GetTypeByMetadataName(KnownTypeNames.PreparedCheckpointerMetadata);
        ThreadPool = compilation.GetTypeByMetadataName(KnownTypeNames.ThreadPoolMetadata);
        Thread = compilation.GetTypeByMetadataName(KnownTypeNames.ThreadMetadata);
        Timer = compilation.GetTypeByMetadataName(KnownTypeNames.TimerMetadata);
    }

    public INamedTypeSymbol Checkpointer { get; }

    public INamedTypeSymbol? Prepared { get; }

    public INamedTypeSymbol? BatchResult => _known.BatchResult;

    // Where a captured checkpointer runs on another thread (EscapeRule).
    public INamedTypeSymbol? ThreadPool { get; }

    public INamedTypeSymbol? Thread { get; }

    public INamedTypeSymbol? Timer { get; }

    /// <summary>Null when the compilation has no checkpointer type: then there is nothing to check.</summary>
    public static CheckpointSymbols? TryCreate(KnownSymbols known) =>
        known.Checkpointer is { } checkpointer ? new CheckpointSymbols(known, checkpointer) : null;

    public bool IsCheckpointerType(ITypeSymbol? type) =>
        type is not null
        && (SymbolEqualityComparer.Default.Equals(type, Checkpointer) || SymbolEqualityComparer.Default.Equals(type, Prepared));

    /// <summary>
    /// A call that writes the lease table: <c>CheckpointAsync</c> or <c>PrepareCheckpointAsync</c> of the checkpointer, or
    /// the commit of a prepared checkpoint, declared on the interfaces or implementing them.
    /// </summary>
    public bool IsCheckpointCall(IInvocationOperation invocation, bool includePrepare = true)
    {
        var method = invocation.TargetMethod;
        if (method.Name == RuntimeContract.CheckpointAsyncMethod)
        {
            return IsOnCheckpointerTypes(method);
        }

        return includePrepare && method.Name == RuntimeContract.PrepareCheckpointAsyncMethod && IsOnCheckpointerTypes(method);
    }

    /// <summary>A call that moves the checkpoint (not the first phase of a two-phase checkpoint).</summary>
    public bool IsCommittingCheckpointCall(IInvocationOperation invocation) => IsCheckpointCall(invocation, includePrepare: false);

    private bool IsOnCheckpointerTypes(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (IsCheckpointerType(type))
        {
            return true;
        }

        // A concrete checkpointer (a test double, a decorator) implementing the interfaces.
        foreach (var implemented in type.AllInterfaces)
        {
            if (!IsCheckpointerType(implemented))
            {
                continue;
            }

            foreach (var member in implemented.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary><c>BatchResult.FailedAt(…)</c>: the handler reports a partial failure, and the failed records come again.</summary>
    public bool IsFailedAt(IOperation? operation) =>
        Unwrap(operation) is IInvocationOperation { TargetMethod.Name: RuntimeContract.FailedAtMethod } invocation
        && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, BatchResult);

    /// <summary>Strips implicit and explicit conversions and parentheses (which have no operation of their own).</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
