using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Analyzers;
using KinesisAttrib.Analyzers.Checkpointing;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KinesisAttrib.Benchmarks.Analyzers;

/// <summary>
/// What the analyzers cost in a project with 200 handlers (20 files of 10) that checkpoint themselves in the shapes teams
/// write: early returns, try/catch/finally, loops over the batch, chunked loops, local functions, lambdas, switches.
/// Each row runs the analyzers over the whole compilation (which binds it again: CompilationWithAnalyzers works on a
/// copy with its own event queue). The baseline is an analyzer that asks for every method body's operations and does
/// nothing with them: binding plus the operation trees, the floor under any operation-based analyzer.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerCostBenchmarks
{
    private const int Files = 20;
    private const int HandlersPerFile = 10;
    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Files).Select(f => CSharpSyntaxTree.ParseText(Source(f), s_parse, path: $"Handlers{f}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(
            "namespace Bench; public sealed record Order(string Id, decimal Amount, bool IsTest); "
            + "public interface IStore { System.Threading.Tasks.Task SaveAsync(object value, System.Threading.CancellationToken ct); }",
            s_parse,
            path: "Order.cs"));
        var references = Basic.Reference.Assemblies.Net100.References.All
            .Concat([MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location)]);
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        // The benchmark measures analysis of code that compiles; a broken source would measure error recovery instead.
        var errors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"The benchmark project does not compile: {errors[0]}");
        }
    }

    [Benchmark(Baseline = true)]
    public ImmutableArray<Diagnostic> OperationsOnly() => Analyze(new OperationsOnlyAnalyzer());

    [Benchmark]
    public ImmutableArray<Diagnostic> CheckpointAnalyzer_200Handlers() => Analyze(new CheckpointAnalyzer());

    [Benchmark]
    public ImmutableArray<Diagnostic> AllAnalyzers_200Handlers() => Analyze(new CheckpointAnalyzer(), new KinesisHandlerAnalyzer());

    /// <summary>
    /// One run of both analyzers with Roslyn's own per-analyzer clock: the time spent inside each analyzer's callbacks,
    /// without the binding every row above also pays (<see cref="AnalyzerCostRounds"/> repeats it).
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> TimeAnalyzers()
    {
        DiagnosticAnalyzer[] analyzers = [new CheckpointAnalyzer(), new KinesisHandlerAnalyzer()];
        var withAnalyzers = _compilation.WithAnalyzers(
            [.. analyzers], new CompilationWithAnalyzersOptions(AnalyzerOptions(), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        _ = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return analyzers.ToDictionary(
            a => a.GetType().Name,
            a => withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime);
    }

    private ImmutableArray<Diagnostic> Analyze(params DiagnosticAnalyzer[] analyzers) =>
        _compilation
            .WithAnalyzers([.. analyzers], new CompilationWithAnalyzersOptions(AnalyzerOptions(), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult();

    private static AnalyzerOptions AnalyzerOptions() => new([]);

    /// <summary>Ten manual-checkpoint handlers of mixed shapes in one file.</summary>
    private static string Source(int file)
    {
        var builder = new StringBuilder();
        builder.AppendLine("using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks; using KinesisAttrib.Handlers;");
        builder.AppendLine("namespace Bench;");
        builder.Append("public sealed class Handlers").Append(file).AppendLine("(IStore store)");
        builder.AppendLine("{");
        for (var i = 0; i < HandlersPerFile; i++)
        {
            var attribute = $"[KinesisHandler(\"orders\", ApplicationName = \"app{file}_{i}\", CheckpointMode = CheckpointMode.Manual)]";
            const string batch = "IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct";
            const string records = "IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct";
            builder.Append("    ").AppendLine(attribute);
            builder.AppendLine((i % HandlersPerFile) switch
            {
                0 => $$"""    public async Task H{{i}}({{batch}}) { await store.SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); }""",
                1 => $$"""    public async Task H{{i}}({{batch}}) { if (orders[0].IsTest) { await checkpointer.CheckpointAsync(ct); return; } foreach (var o in orders) { await store.SaveAsync(o, ct); } await checkpointer.CheckpointAsync(ct); }""",
                2 => $$"""    public async Task H{{i}}({{batch}}) { var n = 0; foreach (var o in orders.Where(o => !o.IsTest)) { await store.SaveAsync(o, ct); if (++n % 500 == 0) { await checkpointer.CheckpointAsync(ct); } } await checkpointer.CheckpointAsync(ct); }""",
                3 => $$"""    public async Task H{{i}}({{batch}}) { try { await store.SaveAsync(orders, ct); } catch (TimeoutException) { await Task.Delay(10, ct); throw; } finally { Console.WriteLine("done"); } await checkpointer.CheckpointAsync(ct); }""",
                4 => $$"""    public async Task H{{i}}({{batch}}) { using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct); await store.SaveAsync(orders, cts.Token); await CommitAsync(); async Task CommitAsync() { for (var attempt = 0; ; attempt++) { try { await checkpointer.CheckpointAsync(ct); return; } catch (TimeoutException) when (attempt < 3) { await Task.Delay(100, ct); } } } }""",
                5 => $$"""    public async Task<BatchResult> H{{i}}({{records}}) { for (var r = 0; r < records.Count; r++) { try { await store.SaveAsync(records[r].Payload, ct); } catch (InvalidOperationException) { await checkpointer.CheckpointAsync(ct); return BatchResult.FailedAt(r); } } await checkpointer.CheckpointAsync(ct); return BatchResult.Success; }""",
                6 => $$"""    public async Task H{{i}}(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct) { await store.SaveAsync(order, ct); if (order.Amount > 100) { await checkpointer.CheckpointAsync(ct); } }""",
                7 => $$"""    public async Task H{{i}}({{batch}}) { await Task.Run(async () => { await store.SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); }, ct); }""",
                8 => $$"""    public async Task H{{i}}({{batch}}) { switch (orders.Count) { case 1: await store.SaveAsync(orders[0], ct); await checkpointer.CheckpointAsync(ct); return; default: await store.SaveAsync(orders, ct); break; } if (ct.IsCancellationRequested) { return; } await checkpointer.CheckpointAsync(ct); }""",
                _ => $$"""    public async Task H{{i}}({{records}}) { foreach (var chunk in records.Chunk(250)) { await store.SaveAsync(chunk, ct); } var last = records[records.Count - 1]; await checkpointer.CheckpointAsync(last.Context.SequenceNumber, last.Context.SubSequenceNumber, ct); }""",
            });
        }

        builder.AppendLine("}");
        return builder.ToString();
    }

    /// <summary>The floor: asks for every method body's operation tree and looks at nothing.</summary>
    // A measuring stick run in-process by this benchmark, never loaded by a compiler: the rules for shipped analyzers
    // (netstandard2.0 target, extended rules, release tracking) do not apply.
#pragma warning disable RS1041, RS1036, RS2008
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class OperationsOnlyAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor s_never = new("BENCH0001", "never", "never", "Bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [s_never];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(static c => _ = (IMethodBodyOperation)c.Operation, OperationKind.MethodBody);
        }
    }
#pragma warning restore RS1041, RS1036, RS2008
}
