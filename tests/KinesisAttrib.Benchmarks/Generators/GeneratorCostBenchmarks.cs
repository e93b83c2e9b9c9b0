using System.Text;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Generators;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace KinesisAttrib.Benchmarks.Generators;

/// <summary>
/// What the generator costs in a project with 200 handlers (20 files of 10): a cold run, and the incremental rerun
/// after a one-line edit (a method body, and one handler's stream name). The baseline is a generator that only finds
/// the same attributes with ForAttributeWithMetadataName and emits nothing: the floor any attribute-driven generator pays.
/// </summary>
[MemoryDiagnoser]
public class GeneratorCostBenchmarks
{
    private const int Files = 20;
    private const int HandlersPerFile = 10;
    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _bodyEdited = null!;
    private CSharpCompilation _streamEdited = null!;
    private GeneratorDriver _warm = null!;
    private GeneratorDriver _warmScanOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Files).Select(f => CSharpSyntaxTree.ParseText(Source(f, "orders"), s_parse, path: $"Handlers{f}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText("namespace Bench; public sealed record Order(string Id, decimal Amount); public interface IStore { }", s_parse, path: "Order.cs"));
        var references = Basic.Reference.Assemblies.Net100.References.All
            .Concat([MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location),
                     MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location)]);
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var edited = trees[7];
        _bodyEdited = _compilation.ReplaceSyntaxTree(edited, edited.WithChangedText(SourceText.From(Source(7, "orders").Replace("=> default;", "=> default; // edited", StringComparison.Ordinal))));
        _streamEdited = _compilation.ReplaceSyntaxTree(edited, edited.WithChangedText(SourceText.From(Source(7, "orders").Replace("\"orders\", ApplicationName = \"app7_3\"", "\"orders-v2\", ApplicationName = \"app7_3\"", StringComparison.Ordinal))));

        _warm = Driver(new KinesisHandlerGenerator()).RunGenerators(_compilation);
        _warmScanOnly = Driver(new AttributeScanOnlyGenerator()).RunGenerators(_compilation);
        var generated = _warm.GetRunResult().GeneratedTrees.Length;
        if (generated != Files * HandlersPerFile + 1)
        {
            throw new InvalidOperationException($"Expected {Files * HandlersPerFile + 1} generated files, got {generated}.");
        }
    }

    [Benchmark(Baseline = true)]
    public GeneratorDriver ColdRun_AttributeScanOnly() => Driver(new AttributeScanOnlyGenerator()).RunGenerators(_compilation);

    [Benchmark]
    public GeneratorDriver ColdRun_200Handlers() => Driver(new KinesisHandlerGenerator()).RunGenerators(_compilation);

    [Benchmark]
    public GeneratorDriver Rerun_AttributeScanOnly_AfterOneLineBodyEdit() => _warmScanOnly.RunGenerators(_bodyEdited);

    [Benchmark]
    public GeneratorDriver Rerun_AfterOneLineBodyEdit() => _warm.RunGenerators(_bodyEdited);

    [Benchmark]
    public GeneratorDriver Rerun_AfterOneStreamNameEdit() => _warm.RunGenerators(_streamEdited);

    private static CSharpGeneratorDriver Driver(IIncrementalGenerator generator) =>
        CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: s_parse, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    /// <summary>Ten handlers of mixed shapes in one file.</summary>
    private static string Source(int file, string stream)
    {
        var builder = new StringBuilder();
        builder.AppendLine("using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using KinesisAttrib.Handlers;");
        builder.AppendLine("namespace Bench;");
        builder.Append("public sealed class Handlers").Append(file).AppendLine("(IStore store)");
        builder.AppendLine("{");
        for (var i = 0; i < HandlersPerFile; i++)
        {
            var attribute = $"[KinesisHandler(\"{stream}\", ApplicationName = \"app{file}_{i}\")]";
            builder.AppendLine((i % 3) switch
            {
                0 => $"    {attribute} public Task H{i}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;",
                1 => $"    {attribute} public static ValueTask H{i}(IReadOnlyList<Order> orders, BatchContext batch, IStore s) => default;",
                _ => $"    {attribute} public BatchResult H{i}(IReadOnlyList<KinesisRecord<Order>> records) => store is null ? BatchResult.FailedAt(0) : BatchResult.Success;",
            });
        }

        builder.AppendLine("}");
        return builder.ToString();
    }

    /// <summary>The floor: finds every [KinesisHandler] method and keeps its name, emits nothing.</summary>
    private sealed class AttributeScanOnlyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                "KinesisAttrib.Handlers.KinesisHandlerAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                static (ctx, _) => ctx.TargetSymbol.Name);
            context.RegisterSourceOutput(names.Collect(), static (_, _) => { });
        }
    }
}
