using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KinesisAttrib.Analyzers.Checkpointing;

/// <summary>
/// Where an uncovered path leaves the handler, in the source. The graph alone cannot tell: a <c>return;</c> and the end
/// of the body are both plain branches to the exit, and blocks with nothing in them (an <c>if</c> body, a switch
/// section or a <c>catch</c> that only returns) are merged away. So the edge's source block is mapped back to syntax
/// (its condition, its last operation, or the <c>catch</c> it starts), and the statements that run after it without
/// doing anything are walked to the <c>return</c> they reach, or to the end of the body.
/// </summary>
internal static class ExitLocator
{
    /// <summary>The statement the path leaves by (a <c>return</c>, or the <c>if</c> whose branch returns), or null for the end of the body.</summary>
    public static SyntaxNode? Find(UncoveredExit exit)
    {
        var source = exit.Source;
        if (exit.Branch.Semantics == ControlFlowBranchSemantics.Return || (source.BranchValue is not null && source.ConditionalSuccessor is null))
        {
            // return value;
            return StatementOf(source.BranchValue?.Syntax);
        }

        if (source.ConditionalSuccessor is not null)
        {
            var condition = source.BranchValue?.Syntax;
            var entering = exit.Branch == source.FallThroughSuccessor;
            if (condition?.FirstAncestorOrSelf<SwitchLabelSyntax>() is { Parent: SwitchSectionSyntax section })
            {
                // case "b": return;  — or, when no case matched, the default section or what follows the switch.
                if (entering)
                {
                    return FirstExit(section, 0);
                }

                var switchStatement = (SwitchStatementSyntax)section.Parent!;
                return switchStatement.Sections.FirstOrDefault(s => s.Labels.Any(l => l is DefaultSwitchLabelSyntax)) is { } fallback
                    ? FirstExit(fallback, 0)
                    : After(switchStatement);
            }

            // When the condition holds the path goes straight out (`if (c) return;`); otherwise past the statement.
            var statement = StatementOf(condition);
            return entering ? statement : statement is StatementSyntax s ? After(s) : null;
        }

        if (source.Operations.LastOrDefault()?.Syntax is { } last)
        {
            // catch (Exception ex) { return; }: the only operation is the exception's assignment.
            if (last.FirstAncestorOrSelf<CatchDeclarationSyntax>() is { Parent: CatchClauseSyntax caught })
            {
                return FirstExit(caught.Block, 0);
            }

            return StatementOf(last) is StatementSyntax done ? After(done) : null;
        }

        // An empty block: a catch without a declaration that only returns.
        return CatchClauseOf(exit.Graph, source) is { } clause ? FirstExit(clause.Block, 0) : null;
    }

    private static SyntaxNode? StatementOf(SyntaxNode? syntax) =>
        syntax?.AncestorsAndSelf().FirstOrDefault(s => s is StatementSyntax or ArrowExpressionClauseSyntax);

    /// <summary>The statement run first from <paramref name="index"/> of a block or switch section, or what follows it when there is none.</summary>
    private static SyntaxNode? FirstExit(SyntaxNode container, int index)
    {
        var statements = container switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => default,
        };
        if (index >= statements.Count)
        {
            return container is StatementSyntax statement ? After(statement) : container is SwitchSectionSyntax { Parent: StatementSyntax owner } ? After(owner) : null;
        }

        // Local functions and empty statements do not run where they stand.
        while (index < statements.Count && statements[index] is LocalFunctionStatementSyntax or EmptyStatementSyntax)
        {
            index++;
        }

        if (index >= statements.Count)
        {
            return FirstExit(container, index);
        }

        return statements[index] switch
        {
            BlockSyntax nested => FirstExit(nested, 0),
            BreakStatementSyntax when container is SwitchSectionSyntax { Parent: StatementSyntax owner } => After(owner),
            var first => first,
        };
    }

    /// <summary>What runs after <paramref name="statement"/> completes, climbing out of the constructs it ends; null at the end of the body.</summary>
    private static SyntaxNode? After(StatementSyntax statement)
    {
        for (var depth = 0; depth < 64; depth++)
        {
            switch (statement.Parent)
            {
                case BlockSyntax block:
                    var index = block.Statements.IndexOf(statement);
                    if (index + 1 < block.Statements.Count)
                    {
                        return FirstExit(block, index + 1);
                    }

                    if (block.Parent is not StatementSyntax and not ElseClauseSyntax and not CatchClauseSyntax and not FinallyClauseSyntax and not SwitchSectionSyntax)
                    {
                        return null; // the body's closing brace
                    }

                    statement = block;
                    continue;
                case SwitchSectionSyntax section:
                    var position = section.Statements.IndexOf(statement);
                    if (position + 1 < section.Statements.Count)
                    {
                        return FirstExit(section, position + 1);
                    }

                    statement = (StatementSyntax)section.Parent!;
                    continue;
                case ElseClauseSyntax { Parent: StatementSyntax owner }:
                    statement = owner;
                    continue;
                case CatchClauseSyntax { Parent: StatementSyntax owner }:
                    statement = owner;
                    continue;
                case FinallyClauseSyntax { Parent: StatementSyntax owner }:
                    statement = owner;
                    continue;
                case IfStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax or CheckedStatementSyntax
                    or LabeledStatementSyntax or TryStatementSyntax or UnsafeStatementSyntax:
                    statement = (StatementSyntax)statement.Parent;
                    continue;
                default:
                    // A loop body's end goes back to the loop, not out: not a way out this walk can name.
                    return null;
            }
        }

        return null;
    }

    /// <summary>For the first block of a catch region, its <c>catch</c> clause: found through a statement of its <c>try</c> block.</summary>
    private static CatchClauseSyntax? CatchClauseOf(ControlFlowGraph graph, BasicBlock block)
    {
        var region = block.EnclosingRegion;
        if (region is not { Kind: ControlFlowRegionKind.Catch } || region.FirstBlockOrdinal != block.Ordinal)
        {
            return null;
        }

        // catch (…) when (…): the handler sits in a filter-and-handler region, which is the try's catch.
        if (region.EnclosingRegion is { Kind: ControlFlowRegionKind.FilterAndHandler } filtered)
        {
            region = filtered;
        }

        if (region.EnclosingRegion is not { Kind: ControlFlowRegionKind.TryAndCatch } tryAndCatch)
        {
            return null;
        }

        var tryRegion = tryAndCatch.NestedRegions.First(r => r.Kind == ControlFlowRegionKind.Try);
        // An operation directly in the try block (not in a try nested in it) names the right try statement.
        var inTry = Enumerable.Range(tryRegion.FirstBlockOrdinal, tryRegion.LastBlockOrdinal - tryRegion.FirstBlockOrdinal + 1)
            .Select(i => graph.Blocks[i])
            .Where(b => b.EnclosingRegion == tryRegion)
            .SelectMany(b => b.Operations.Concat(b.BranchValue is { } value ? [value] : []))
            .Select(o => o.Syntax)
            .FirstOrDefault();
        var tryStatement = inTry?.Ancestors().OfType<TryStatementSyntax>().FirstOrDefault(t => t.Block.Span.Contains(inTry.Span));
        var index = tryAndCatch.NestedRegions.Where(r => r.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler).ToList().IndexOf(region);
        return tryStatement is not null && index >= 0 && index < tryStatement.Catches.Count ? tryStatement.Catches[index] : null;
    }
}
