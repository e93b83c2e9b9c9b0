using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.HotPath;

/// <summary>
/// The hot-path benchmarks again, interleaved: each round runs every variant once over the 10,000-record batch, in a
/// shuffled order, so contention from other processes on a shared machine hits all of them alike; the ratio to the
/// baseline is taken within each round and the median over rounds is reported. BenchmarkDotNet runs one benchmark
/// after the other, so on a busy machine its ratios compare different moments; this does not.
/// Options: --rounds N (60).
/// </summary>
public static class InterleavedHotPath
{
    // The reference of the second ratio column: the reporting variants (meter off, meter on) are this processor plus
    // what a shard consumer reports, so their ratio to it is the instruments' cost.
    private const string GeneratedReference = "generated: void OnOrder(Order)";

    public static void Run(string[] args)
    {
        var rounds = Int(args, "--rounds", 60);
        var bench = new HotPathBenchmarks();
        bench.Setup();
        var variants = typeof(HotPathBenchmarks).GetMethods()
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<BenchmarkAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Name: x.Attribute!.Description ?? x.Method.Name, Baseline: x.Attribute!.Baseline, Run: x.Method.CreateDelegate<Func<ValueTask>>(bench)))
            .ToList();
        var perRecord = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var ratios = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var toGenerated = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var allocated = variants.ToDictionary(v => v.Name, _ => 0.0);
        var random = new Random(8);
        for (var round = -5; round < rounds; round++)
        {
            var times = new Dictionary<string, double>();
            foreach (var variant in variants.OrderBy(_ => random.Next()))
            {
                // The meter is on for its variant only, switched outside the timed region.
                var meter = HotPathBenchmarks.NeedsMeter(variant.Name);
                if (meter)
                {
                    bench.StartMeter();
                }

                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                var pending = variant.Run();
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }

                times[variant.Name] = clock.Elapsed.TotalNanoseconds / HotPathBenchmarks.BatchSize;
                allocated[variant.Name] = (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)HotPathBenchmarks.BatchSize;
                if (meter)
                {
                    bench.StopMeter();
                }
            }

            if (round < 0)
            {
                continue; // warm-up rounds (tiered JIT)
            }

            var baseline = times[variants.Single(v => v.Baseline).Name];
            var generated = times[GeneratedReference];
            foreach (var (name, time) in times)
            {
                perRecord[name].Add(time);
                ratios[name].Add(time / baseline);
                toGenerated[name].Add(time / generated);
            }
        }

        bench.Cleanup();
        Report($"## hotpath, interleaved: {rounds} rounds of one 10,000-record batch per variant");
        Report($"| variant | median ns/record | min ns/record | median ratio to baseline (per round) | median ratio to generated OnOrder (per round) | allocated B/record |");
        Report($"|---|---:|---:|---:|---:|---:|");
        foreach (var (name, _, _) in variants)
        {
            Report($"| {name} | {Median(perRecord[name]):F0} | {perRecord[name].Min():F0} | {Median(ratios[name]):F2} | {Median(toGenerated[name]):F3} | {allocated[name]:F0} |");
        }
    }
}
