using System.Collections;
using System.Reflection;
using KinesisAttrib.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KinesisAttrib.Generators.Tests;

/// <summary>The pipeline caches what did not change, and its models hold no symbols, syntax or compilations.</summary>
public sealed class KinesisHandlerGeneratorIncrementalTests
{
    private static readonly string s_source = $$"""
        {{TestSources.Usings}}

        namespace Sample;

        public sealed record Order(string Id);

        public interface IStore { }

        public sealed class OrderHandlers
        {
            [KinesisHandler("orders", ApplicationName = "billing")]
            public Task OnOrder(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

            [KinesisHandler("orders", ApplicationName = "archive", CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 10)]
            public static Task Archive(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

            [KinesisHandler("payments", ApplicationName = "bulk")]
            public static BatchResult Bulk(System.Collections.Generic.IReadOnlyList<KinesisRecord<Order>> records, IStore store, BatchContext batch) => BatchResult.Success;
        }
        """;

    [Fact]
    public void Generator_CachesEveryStepWhenAnUnrelatedFileIsAdded()
    {
        var compilation = GeneratorHarness.CreateCompilation(s_source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; internal sealed class Unrelated { }", GeneratorHarness.ParseOptions));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(4, first.GeneratedSources.Length);
        foreach (var name in TrackingNames.All)
        {
            Assert.True(second.TrackedSteps.TryGetValue(name, out var steps), $"Step {name} was not tracked.");
            var reasons = steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {name} output was {r}."));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Generator_ReemitsOnlyTheChangedHandlerWhenAHandlerChanges()
    {
        var compilation = GeneratorHarness.CreateCompilation(s_source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.First();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(s_source.Replace("\"billing\"", "\"invoicing\"", StringComparison.Ordinal))));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        var named = result.TrackedSteps[TrackingNames.NamedHandlers].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, named.Count(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Equal(2, named.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Generator_ReemitsOnlyThatHandlerWhenOneHandlersStreamNameChanges()
    {
        var compilation = GeneratorHarness.CreateCompilation(s_source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.First();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(s_source.Replace("\"payments\"", "\"payments-v2\"", StringComparison.Ordinal))));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        var handlers = result.TrackedSteps[TrackingNames.Handlers].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, handlers.Count(o => o.Reason == IncrementalStepRunReason.Modified));
        var named = result.TrackedSteps[TrackingNames.NamedHandlers].SelectMany(s => s.Outputs).ToList();
        var modified = Assert.Single(named, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Bulk", modified.Value.ToString(), StringComparison.Ordinal);
        Assert.All(named.Where(o => o != modified), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{o.Value} was {o.Reason}."));
        Assert.Contains("payments-v2", result.GeneratedSources.Single(s => s.HintName.Contains("_Bulk_", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_ReemitsEveryHandlerWhenTheAssemblyDefaultsChange()
    {
        var withDefaults = "[assembly: KinesisAttrib.Handlers.KinesisHandlerDefaults(MaxRecords = 100)]";
        var compilation = GeneratorHarness.CreateCompilation([s_source, withDefaults]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Last();
        var changed = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(withDefaults.Replace("100", "200", StringComparison.Ordinal))));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[TrackingNames.Defaults].Single().Outputs.Single().Reason);
        Assert.All(result.TrackedSteps[TrackingNames.ResolvedHandlers].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.Handlers].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Generator_StepOutputsHoldNoSymbolsSyntaxLocationsOrCompilations()
    {
        var compilation = GeneratorHarness.CreateCompilation(s_source);
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var name in TrackingNames.All)
        {
            foreach (var output in result.TrackedSteps[name].SelectMany(s => s.Outputs))
            {
                AssertHoldsNoRoslynObjects(output.Value, $"{name}", new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertHoldsNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxToken or Location or Compilation or SemanticModel or SyntaxTree,
            $"{path} holds a {value.GetType().FullName}, which keeps the compilation alive and defeats caching.");

        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                AssertHoldsNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                AssertHoldsNoRoslynObjects(property.GetValue(value), $"{path}.{property.Name}", visited);
            }
        }
    }
}
