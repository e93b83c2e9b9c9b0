using BenchmarkDotNet.Running;
using KinesisAttrib.Benchmarks.Suites;

// One command for every figure in docs/benchmarks.md:
//   dotnet run -c Release --project tests/KinesisAttrib.Benchmarks -- <suite> [options]
// Suites: hotpath (interleaved rounds, then BenchmarkDotNet), analyzercost (analyzers' own time, in rounds), e2e, efo, failover, leasecost, scale, memory, all. Anything else goes to
// BenchmarkDotNet, e.g. --filter '*GetRecords*'.
var suites = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["hotpath"] = rest =>
    {
        KinesisAttrib.Benchmarks.HotPath.InterleavedHotPath.Run(rest);
        if (!rest.Contains("--interleaved-only"))
        {
            var rounds = Array.IndexOf(rest, "--rounds");
            var bdnArgs = rounds >= 0 ? [.. rest[..rounds], .. rest[Math.Min(rest.Length, rounds + 2)..]] : rest;
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(["--filter", "*HotPath*", .. bdnArgs]);
        }

        return Task.CompletedTask;
    },
    ["analyzercost"] = rest =>
    {
        KinesisAttrib.Benchmarks.Analyzers.AnalyzerCostRounds.Run(rest);
        return Task.CompletedTask;
    },
    ["e2e"] = EndToEndSuite.RunAsync,
    ["efo"] = FanOutSuite.RunAsync,
    ["failover"] = FailoverSuite.RunAsync,
    ["leasecost"] = LeaseCostSuite.RunAsync,
    ["scale"] = ScaleSuite.RunAsync,
    ["memory"] = MemorySuite.RunAsync,
};

if (args.Length > 0 && args[0] == FailoverSuite.WorkerMode)
{
    await FailoverSuite.RunWorkerAsync(args[1..]);
}
else if (args.Length > 0 && args[0].Equals("all", StringComparison.OrdinalIgnoreCase))
{
    foreach (var (_, run) in suites)
    {
        await run(args[1..]);
    }
}
else if (args.Length > 0 && suites.TryGetValue(args[0], out var suite))
{
    await suite(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
