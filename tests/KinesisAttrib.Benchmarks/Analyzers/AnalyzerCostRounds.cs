using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Analyzers;

/// <summary>
/// The analyzers' own time on the 200-handler project, as Roslyn's per-analyzer clock reports it, over many rounds.
/// BenchmarkDotNet's rows are dominated by binding the compilation (the same for every analyzer); this isolates the
/// analyzers' share, so two builds (before and after a change) can be compared by running this suite on each in turn.
/// Options: --rounds N (20).
/// </summary>
public static class AnalyzerCostRounds
{
    public static void Run(string[] args)
    {
        var rounds = Int(args, "--rounds", 20);
        var bench = new AnalyzerCostBenchmarks();
        bench.Setup();
        var times = new Dictionary<string, List<double>>();
        for (var round = -3; round < rounds; round++)
        {
            var measured = bench.TimeAnalyzers();
            if (round < 0)
            {
                continue; // warm-up rounds (tiered JIT)
            }

            foreach (var (name, time) in measured)
            {
                if (!times.TryGetValue(name, out var list))
                {
                    times[name] = list = [];
                }

                list.Add(time.TotalMilliseconds);
            }
        }

        Console.WriteLine($"Analyzer execution time on 200 handlers, {rounds} rounds (ms):");
        Console.WriteLine("| Analyzer | Median | Min | Max |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, list) in times.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            list.Sort();
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"| {name} | {list[list.Count / 2]:F1} | {list[0]:F1} | {list[^1]:F1} |"));
        }
    }
}
