using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// What the KA2xxx rules know about one handler body: its checkpointer parameter, the locals that alias it, and the
/// lambdas and local functions that capture it (directly, through an alias, or by calling a local function that does).
/// </summary>
internal sealed class HandlerCheckpointInfo
{
    private readonly HashSet<ILocalSymbol> _aliases = new(SymbolEqualityComparer.Default);
    private readonly HashSet<SyntaxNode> _capturingLambdas = [];
    private readonly HashSet<IMethodSymbol> _capturingLocalFunctions = new(SymbolEqualityComparer.Default);

    public HandlerCheckpointInfo(IParameterSymbol? checkpointer, IParameterSymbol? batch, IOperation body, CheckpointSymbols symbols)
    {
        Checkpointer = checkpointer;
        Batch = batch;
        Symbols = symbols;
        if (checkpointer is null)
        {
            return;
        }

        var all = body.DescendantsAndSelf().ToList();
        CollectAliases(all);
        CollectCaptures(all);
    }

    public IParameterSymbol? Checkpointer { get; }

    /// <summary>The payload parameter of a batch handler (never an empty list), or null.</summary>
    public IParameterSymbol? Batch { get; }

    public CheckpointSymbols Symbols { get; }

    /// <summary>Whether the operation (conversions stripped, flow captures followed) is the checkpointer or an alias of it.</summary>
    public bool IsCheckpointerReference(IOperation? operation, IReadOnlyDictionary<CaptureId, List<IOperation>>? captures = null)
    {
        operation = CheckpointSymbols.Unwrap(operation);
        switch (operation)
        {
            case IParameterReferenceOperation parameter:
                return SymbolEqualityComparer.Default.Equals(parameter.Parameter, Checkpointer);
            case ILocalReferenceOperation local:
                return _aliases.Contains(local.Local);
            case IFlowCaptureReferenceOperation capture when captures is not null && captures.TryGetValue(capture.Id, out var values):
                return values.Count > 0 && values.All(v => IsCheckpointerReference(v, captures));
            default:
                return false;
        }
    }

    public bool IsCapturingLambda(SyntaxNode syntax) => _capturingLambdas.Contains(syntax);

    public bool IsCapturingLocalFunction(IMethodSymbol method) => _capturingLocalFunctions.Contains(method.OriginalDefinition);

    /// <summary>A lambda or local function (or a delegate made from one) that uses the checkpointer.</summary>
    public bool IsCapturingFunction(IOperation? operation)
    {
        operation = CheckpointSymbols.Unwrap(operation);
        if (operation is IDelegateCreationOperation creation)
        {
            operation = creation.Target;
        }

        return operation switch
        {
            IAnonymousFunctionOperation or IFlowAnonymousFunctionOperation => IsCapturingLambda(operation.Syntax),
            IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference => IsCapturingLocalFunction(reference.Method),
            _ => false,
        };
    }

    private void CollectAliases(List<IOperation> all)
    {
        // `var c = checkpointer;` and `c = checkpointer;` (a chain of such assignments is followed to a fixed point).
        bool changed;
        do
        {
            changed = false;
            foreach (var operation in all)
            {
                var (local, value) = operation switch
                {
                    IVariableDeclaratorOperation declarator => (declarator.Symbol, declarator.Initializer?.Value),
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment => (target.Local, assignment.Value),
                    _ => (null, null),
                };
                if (local is not null && value is not null && !_aliases.Contains(local) && IsCheckpointerReference(value))
                {
                    _aliases.Add(local);
                    changed = true;
                }
            }
        }
        while (changed);
    }

    private void CollectCaptures(List<IOperation> all)
    {
        var functions = all.Where(o => o is IAnonymousFunctionOperation or ILocalFunctionOperation).ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var function in functions)
            {
                var captured = function is ILocalFunctionOperation local
                    ? _capturingLocalFunctions.Contains(local.Symbol.OriginalDefinition)
                    : _capturingLambdas.Contains(function.Syntax);
                if (captured || !function.Descendants().Any(UsesCheckpointer))
                {
                    continue;
                }

                if (function is ILocalFunctionOperation localFunction)
                {
                    _capturingLocalFunctions.Add(localFunction.Symbol.OriginalDefinition);
                }
                else
                {
                    _capturingLambdas.Add(function.Syntax);
                }

                changed = true;
            }
        }
        while (changed);
    }

    private bool UsesCheckpointer(IOperation operation) => operation switch
    {
        IParameterReferenceOperation or ILocalReferenceOperation => IsCheckpointerReference(operation),
        IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call => IsCapturingLocalFunction(call.TargetMethod),
        IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference => IsCapturingLocalFunction(reference.Method),
        _ => false,
    };
}
