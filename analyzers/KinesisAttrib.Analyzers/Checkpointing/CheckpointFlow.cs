using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// "Has the handler checkpointed on every path to here?" — a forward must-analysis over Roslyn's control flow graph
/// (see docs/design/analyzers.md). A block checkpoints when it contains a checkpoint point (<see cref="IsCheckpointPoint"/>);
/// the state entering a block is the AND over its feasible incoming edges; an edge that runs <c>finally</c> blocks
/// carries a checkpoint when one of them checkpoints on all its paths; a catch or finally block starts with the state
/// of its try block's entry (the exception can come before anything in the try ran). Exits through <c>throw</c> are
/// not edges to the exit block, so they never need a checkpoint.
/// </summary>
internal sealed class CheckpointFlow
{
    private readonly HandlerCheckpointInfo _handler;
    private readonly Dictionary<IMethodSymbol, ControlFlowGraph> _localFunctionGraphs = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, bool> _localFunctionChecks = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ControlFlowGraph, GraphState> _graphs = [];
    private readonly Dictionary<IParameterSymbol, bool> _helperChecks = new(SymbolEqualityComparer.Default);
    private readonly bool _looksIntoHelpers;

    /// <param name="graph">The body's graph.</param>
    /// <param name="handler">What is known about the checkpointer in that body.</param>
    /// <param name="looksIntoHelpers">Whether a helper given the checkpointer is analysed (one level: inside a helper, helpers are trusted).</param>
    public CheckpointFlow(ControlFlowGraph graph, HandlerCheckpointInfo handler, bool looksIntoHelpers = true)
    {
        _handler = handler;
        _looksIntoHelpers = looksIntoHelpers;
        Graph = graph;
        CollectLocalFunctionGraphs(graph);
    }

    public ControlFlowGraph Graph { get; }

    /// <summary>The edges into the exit block along which the handler has not checkpointed (and that need a checkpoint).</summary>
    public ImmutableArray<UncoveredExit> FindUncoveredExits() => FindUncoveredExits(Graph);

    private ImmutableArray<UncoveredExit> FindUncoveredExits(ControlFlowGraph graph)
    {
        var state = StateOf(graph);
        var blocks = graph.Blocks;
        var outState = Solve(state, 0, blocks.Length - 1, 0);
        var exits = ImmutableArray.CreateBuilder<UncoveredExit>();
        foreach (var block in blocks)
        {
            if (!block.IsReachable)
            {
                continue;
            }

            foreach (var branch in new[] { block.ConditionalSuccessor, block.FallThroughSuccessor })
            {
                if (branch?.Destination?.Kind != BasicBlockKind.Exit || IsInfeasible(state, branch))
                {
                    continue;
                }

                if (outState[block.Ordinal] || RunsCheckpointingFinally(state, branch))
                {
                    continue;
                }

                // Reporting a partial failure is like throwing: the failed records come again.
                if (branch == block.FallThroughSuccessor && _handler.Symbols.IsFailedAt(block.BranchValue))
                {
                    continue;
                }

                exits.Add(new UncoveredExit(graph, block, branch));
            }
        }

        return exits.ToImmutable();
    }

    /// <summary>
    /// Whether <paramref name="operation"/> checkpoints, or hands the checkpointer to code that can: a commit call; a call
    /// of a local function that checkpoints on all its paths; an argument passed to a parameter of a checkpointer type
    /// (of a same-file helper only when the helper checkpoints on all its paths; of any other method, trusted) or of a
    /// type parameter, given the checkpointer; a lambda or local function delegate that uses the checkpointer; the
    /// checkpointer stored anywhere but a local (KA2006 reports that).
    /// </summary>
    public bool IsCheckpointPoint(IOperation operation, IReadOnlyDictionary<CaptureId, List<IOperation>>? captures = null)
    {
        var symbols = _handler.Symbols;
        switch (operation)
        {
            case IInvocationOperation invocation when symbols.IsCommittingCheckpointCall(invocation):
                return true;
            case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call:
                return LocalFunctionCheckpoints(call.TargetMethod.OriginalDefinition);
            case IArgumentOperation { Parameter: { } parameter } argument:
                return (symbols.IsCheckpointerType(parameter.Type) && !IsNullLiteral(argument.Value) && (HelperCheckpoints(argument, parameter) ?? true))
                    || (parameter.Type is ITypeParameterSymbol && _handler.IsCheckpointerReference(argument.Value, captures));
            case IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation:
                return _handler.IsCapturingLambda(operation.Syntax);
            case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference:
                return _handler.IsCapturingLocalFunction(reference.Method);
            case ISimpleAssignmentOperation { Target: not ILocalReferenceOperation and not IFlowCaptureReferenceOperation } assignment:
                return _handler.IsCheckpointerReference(assignment.Value, captures);
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether a helper method given the checkpointer checkpoints with it on all its paths, when its body can be seen: an
    /// ordinary, non-virtual method declared in the same file (its operations come from the same semantic model). Null
    /// when it cannot be seen (another file, an interface, a virtual or extern method): then it is trusted to checkpoint.
    /// </summary>
    private bool? HelperCheckpoints(IArgumentOperation argument, IParameterSymbol parameter)
    {
        if (!_looksIntoHelpers
            || argument.Parent is not IInvocationOperation { TargetMethod: var method }
            || method.OriginalDefinition is not { MethodKind: MethodKind.Ordinary, IsVirtual: false, IsAbstract: false, IsOverride: false, IsExtern: false } definition
            || definition.ContainingType.TypeKind == TypeKind.Interface
            || (argument.SemanticModel ?? Graph.OriginalOperation.SemanticModel) is not { } model
            || definition.DeclaringSyntaxReferences is not [var reference]
            || reference.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        var helperParameter = definition.Parameters[parameter.Ordinal];
        if (_helperChecks.TryGetValue(helperParameter, out var known))
        {
            return known;
        }

        if (model.GetOperation(reference.GetSyntax()) is not IMethodBodyOperation body)
        {
            return null;
        }

        var helper = new HandlerCheckpointInfo(helperParameter, batch: null, body, _handler.Symbols);
        var checks = new CheckpointFlow(ControlFlowGraph.Create(body), helper, looksIntoHelpers: false).FindUncoveredExits().IsEmpty;
        _helperChecks[helperParameter] = checks;
        return checks;
    }

    private static bool IsNullLiteral(IOperation value) =>
        CheckpointSymbols.Unwrap(value) is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } };

    private bool LocalFunctionCheckpoints(IMethodSymbol localFunction)
    {
        if (_localFunctionChecks.TryGetValue(localFunction, out var known))
        {
            return known;
        }

        if (!_localFunctionGraphs.TryGetValue(localFunction, out var graph))
        {
            // Declared where its graph is out of reach (inside a lambda): count it when it uses the checkpointer.
            return _handler.IsCapturingLocalFunction(localFunction);
        }

        // Recursion: assume not, until its own graph says so.
        _localFunctionChecks[localFunction] = false;
        var result = FindUncoveredExits(graph).IsEmpty;
        _localFunctionChecks[localFunction] = result;
        return result;
    }

    private void CollectLocalFunctionGraphs(ControlFlowGraph graph)
    {
        foreach (var localFunction in graph.LocalFunctions)
        {
            var nested = graph.GetLocalFunctionControlFlowGraph(localFunction);
            _localFunctionGraphs[localFunction.OriginalDefinition] = nested;
            CollectLocalFunctionGraphs(nested);
        }
    }

    private GraphState StateOf(ControlFlowGraph graph)
    {
        if (!_graphs.TryGetValue(graph, out var state))
        {
            state = new GraphState(graph);
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    foreach (var descendant in operation.DescendantsAndSelf())
                    {
                        if (descendant is IFlowCaptureOperation capture)
                        {
                            if (!state.Captures.TryGetValue(capture.Id, out var values))
                            {
                                state.Captures[capture.Id] = values = [];
                            }

                            values.Add(capture.Value);
                        }
                    }
                }
            }

            state.Checks = graph.Blocks
                .Select(block => block.Operations.Concat(block.BranchValue is { } value ? [value] : [])
                    .SelectMany(o => o.DescendantsAndSelf())
                    .Any(o => IsCheckpointPoint(o, state.Captures)))
                .ToArray();
            _graphs[graph] = state;
        }

        return state;
    }

    /// <summary>The out-state (checkpointed on every path through the end of the block) of blocks first..last, entered at start.</summary>
    private bool[] Solve(GraphState state, int first, int last, int start)
    {
        var blocks = state.Graph.Blocks;
        var inState = new bool[blocks.Length];
        for (var i = first; i <= last; i++)
        {
            inState[i] = i != start;
        }

        // Greatest fixed point: start from "checkpointed" everywhere but the start and only ever lower; bools, so it ends.
        bool changed;
        do
        {
            changed = false;
            for (var i = first; i <= last; i++)
            {
                if (i == start || !inState[i])
                {
                    continue;
                }

                var block = blocks[i];
                var value = true;
                foreach (var predecessor in block.Predecessors)
                {
                    var source = predecessor.Source.Ordinal;
                    if (source < first || source > last || IsInfeasible(state, predecessor))
                    {
                        continue;
                    }

                    value &= inState[source] || state.Checks[source] || RunsCheckpointingFinally(state, predecessor);
                }

                if (block.Predecessors.IsEmpty && TryEntryOf(block) is { } tryEntry && tryEntry >= first && tryEntry <= last)
                {
                    value &= inState[tryEntry];
                }

                if (!value)
                {
                    inState[i] = false;
                    changed = true;
                }
            }
        }
        while (changed);

        var outState = new bool[blocks.Length];
        for (var i = first; i <= last; i++)
        {
            outState[i] = inState[i] || state.Checks[i];
        }

        return outState;
    }

    /// <summary>For the first block of a catch, filter or finally region: the first block of its try region.</summary>
    private static int? TryEntryOf(BasicBlock block)
    {
        var handler = false;
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind is ControlFlowRegionKind.TryAndCatch or ControlFlowRegionKind.TryAndFinally)
            {
                return handler ? region.NestedRegions.First(r => r.Kind == ControlFlowRegionKind.Try).FirstBlockOrdinal : null;
            }

            if (region.FirstBlockOrdinal != block.Ordinal)
            {
                return null;
            }

            handler |= region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.Filter
                or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Finally;
        }

        return null;
    }

    private bool RunsCheckpointingFinally(GraphState state, ControlFlowBranch branch)
    {
        foreach (var region in branch.FinallyRegions)
        {
            if (!state.FinallyChecks.TryGetValue(region, out var checks))
            {
                // A finally checkpoints when every path from its start to its end (not nested finally ends) does.
                state.FinallyChecks[region] = false;
                var outState = Solve(state, region.FirstBlockOrdinal, region.LastBlockOrdinal, region.FirstBlockOrdinal);
                checks = true;
                for (var i = region.FirstBlockOrdinal; i <= region.LastBlockOrdinal; i++)
                {
                    var block = state.Graph.Blocks[i];
                    if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling
                        && InnermostFinally(block) == region)
                    {
                        checks &= outState[i];
                    }
                }

                state.FinallyChecks[region] = checks;
            }

            if (checks)
            {
                return true;
            }
        }

        return false;
    }

    private static ControlFlowRegion? InnermostFinally(BasicBlock block)
    {
        var region = block.EnclosingRegion;
        while (region is not null && region.Kind != ControlFlowRegionKind.Finally)
        {
            region = region.EnclosingRegion;
        }

        return region;
    }

    /// <summary>
    /// A branch that needs no checkpoint or is never taken: the other branch of a constant condition (<c>while (true)</c>);
    /// the branch a null checkpointer would take (the runtime always passes one, so <c>checkpointer?.</c>,
    /// <c>checkpointer ?? …</c> and <c>if (checkpointer is null) return;</c> add no real path); the branch an empty batch
    /// would take (batches are never empty, so <c>if (orders.Count == 0) return;</c> is only defensive); and the branch
    /// taken when cancellation was requested (on a hard stop or a lost lease, returning without a checkpoint is right:
    /// the records come again).
    /// </summary>
    private bool IsInfeasible(GraphState state, ControlFlowBranch branch)
    {
        var block = branch.Source;
        if (block.ConditionalSuccessor is null)
        {
            return false;
        }

        bool? deadWhen = block.BranchValue?.ConstantValue is { HasValue: true, Value: bool constant }
            ? !constant
            : DeadWhen(block.BranchValue, state.Captures);
        if (deadWhen is not { } value)
        {
            return false;
        }

        var conditionalIsDead = (block.ConditionKind == ControlFlowConditionKind.WhenTrue) == value;
        return branch == block.ConditionalSuccessor ? conditionalIsDead : !conditionalIsDead;
    }

    /// <summary>The value of a condition that means "dead branch" (see <see cref="IsInfeasible"/>), or null when it tests nothing of that.</summary>
    private bool? DeadWhen(IOperation? condition, IReadOnlyDictionary<CaptureId, List<IOperation>> captures)
    {
        switch (condition)
        {
            case IIsNullOperation isNull when _handler.IsCheckpointerReference(isNull.Operand, captures):
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                when (_handler.IsCheckpointerReference(binary.LeftOperand, captures) && IsNullLiteral(binary.RightOperand))
                    || (_handler.IsCheckpointerReference(binary.RightOperand, captures) && IsNullLiteral(binary.LeftOperand)):
                return binary.OperatorKind == BinaryOperatorKind.Equals;
            case IBinaryOperation binary when IsBatchCount(binary.LeftOperand) && IntConstant(binary.RightOperand) is { } count:
                return binary.OperatorKind switch
                {
                    BinaryOperatorKind.Equals when count == 0 => true,
                    BinaryOperatorKind.NotEquals when count == 0 => false,
                    BinaryOperatorKind.LessThan when count == 1 => true,
                    BinaryOperatorKind.LessThanOrEqual when count == 0 => true,
                    BinaryOperatorKind.GreaterThan when count == 0 => false,
                    BinaryOperatorKind.GreaterThanOrEqual when count == 1 => false,
                    _ => null,
                };
            case IIsPatternOperation pattern when _handler.IsCheckpointerReference(pattern.Value, captures):
                return pattern.Pattern switch
                {
                    IConstantPatternOperation constant when IsNullLiteral(constant.Value) => true,
                    INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IsNullLiteral(constant.Value) => false,
                    _ => null,
                };
            case IIsPatternOperation pattern when IsBatchCount(pattern.Value):
                return pattern.Pattern switch
                {
                    IConstantPatternOperation constant when IntConstant(constant.Value) == 0 => true,
                    INegatedPatternOperation { Pattern: IConstantPatternOperation constant } when IntConstant(constant.Value) == 0 => false,
                    _ => null,
                };
            case IInvocationOperation { TargetMethod.Name: "Any", Arguments.Length: 1 } any when IsBatch(any.Arguments[0].Value):
                return false;
            case IPropertyReferenceOperation { Property.Name: "IsCancellationRequested", Property.ContainingType.Name: "CancellationToken" }:
                return true;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return !DeadWhen(not.Operand, captures);
            default:
                return null;
        }
    }

    /// <summary><c>batch.Count</c> or <c>batch.Count()</c> of the handler's batch parameter.</summary>
    private bool IsBatchCount(IOperation operation) => CheckpointSymbols.Unwrap(operation) switch
    {
        IPropertyReferenceOperation { Property.Name: "Count" } property => IsBatch(property.Instance),
        IInvocationOperation { TargetMethod.Name: "Count", Arguments.Length: 1 } count => IsBatch(count.Arguments[0].Value),
        _ => false,
    };

    private bool IsBatch(IOperation? operation) =>
        _handler.Batch is { } batch
        && CheckpointSymbols.Unwrap(operation) is IParameterReferenceOperation parameter
        && SymbolEqualityComparer.Default.Equals(parameter.Parameter, batch);

    private static int? IntConstant(IOperation operation) =>
        CheckpointSymbols.Unwrap(operation)?.ConstantValue is { HasValue: true, Value: int value } ? value : null;

    private sealed class GraphState(ControlFlowGraph graph)
    {
        public ControlFlowGraph Graph { get; } = graph;

        public Dictionary<CaptureId, List<IOperation>> Captures { get; } = [];

        public Dictionary<ControlFlowRegion, bool> FinallyChecks { get; } = [];

        public bool[] Checks { get; set; } = [];
    }
}

/// <summary>An edge into the exit block along which the handler has not checkpointed.</summary>
internal sealed class UncoveredExit(ControlFlowGraph graph, BasicBlock source, ControlFlowBranch branch)
{
    public ControlFlowGraph Graph { get; } = graph;

    public BasicBlock Source { get; } = source;

    public ControlFlowBranch Branch { get; } = branch;
}
