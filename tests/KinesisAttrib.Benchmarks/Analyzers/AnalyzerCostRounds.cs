using System.Diagnostics;
using System.Globalization;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Analyzers;

/// <summary>
/// The analyzers' cost on the 200-handler project over many rounds, measured so that two builds (before and after a
/// change) can be compared on a busy machine: per round, each row of <see cref="AnalyzerCostBenchmarks"/> runs once in
/// a shuffled order and is charged the process's CPU time (not wall time: other builds on a shared machine stretch
/// wall time, much less the CPU this process gets) and its allocations; the analyzers' share is the row minus the
/// operations-only floor of the same round. Roslyn's own per-analyzer clock (wall time inside the callbacks) is
/// reported too. Options: --rounds N (20).
/// </summary>
public static class AnalyzerCostRounds
{
    public static void Run(string[] args)
    {
        var rounds = Int(args, "--rounds", 20);
        var bench = new AnalyzerCostBenchmarks();
        bench.Setup();
        (string Name, Action Run)[] rows =
        [
            ("OperationsOnly", () => bench.OperationsOnly()),
            ("CheckpointAnalyzer", () => bench.CheckpointAnalyzer_200Handlers()),
            ("AllAnalyzers", () => bench.AllAnalyzers_200Handlers()),
        ];
        var cpu = rows.ToDictionary(r => r.Name, _ => new List<double>());
        var share = rows.ToDictionary(r => r.Name, _ => new List<double>());
        var allocated = rows.ToDictionary(r => r.Name, _ => new List<double>());
        var telemetry = new Dictionary<string, List<double>>();
        var random = new Random(21);
        var process = Process.GetCurrentProcess();
        for (var round = -3; round < rounds; round++)
        {
            var times = new Dictionary<string, double>();
            foreach (var (name, run) in rows.OrderBy(_ => random.Next()))
            {
                process.Refresh();
                var start = process.TotalProcessorTime;
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                run();
                process.Refresh();
                times[name] = (process.TotalProcessorTime - start).TotalMilliseconds;
                if (round >= 0)
                {
                    allocated[name].Add((GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1024.0 / 1024.0);
                }
            }

            var measured = bench.TimeAnalyzers();
            if (round < 0)
            {
                continue; // warm-up rounds (tiered JIT)
            }

            foreach (var (name, time) in times)
            {
                cpu[name].Add(time);
                share[name].Add(time - times["OperationsOnly"]);
            }

            foreach (var (name, time) in measured)
            {
                if (!telemetry.TryGetValue(name, out var list))
                {
                    telemetry[name] = list = [];
                }

                list.Add(time.TotalMilliseconds);
            }
        }

        Console.WriteLine($"Analyzer cost on 200 handlers, {rounds} rounds, process CPU time (ms) and allocations (MB), medians:");
        Console.WriteLine("| Row | CPU | CPU minus floor (same round) | Allocated |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, _) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(cpu[name]):F0} | {Median(share[name]):F0} | {Median(allocated[name]):F2} |"));
        }

        Console.WriteLine("Roslyn's per-analyzer clock (wall time in callbacks, ms): median, min, max");
        foreach (var (name, list) in telemetry.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(list):F1} | {list[0]:F1} | {list[^1]:F1} |"));
        }
    }
}
