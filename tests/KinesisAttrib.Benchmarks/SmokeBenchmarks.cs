using BenchmarkDotNet.Attributes;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Benchmarks;

/// <summary>Sequence-number comparison, the bookkeeping done for every record checkpointed.</summary>
[MemoryDiagnoser]
public class SequenceNumberBenchmarks
{
    private readonly ExtendedSequenceNumber _a = new("49590338271490256608559692538361571095921575989136588898", 0);
    private readonly ExtendedSequenceNumber _b = new("49590338271490256608559692538361571095921575989136588899", 0);

    [Benchmark]
    public int Compare() => ExtendedSequenceNumber.Compare(_a, _b);
}
