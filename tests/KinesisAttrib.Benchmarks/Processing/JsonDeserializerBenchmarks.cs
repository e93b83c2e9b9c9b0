using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Benchmarks.HotPath;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Benchmarks.Processing;

/// <summary>
/// What issue 15's JSON changes cost per record: the unmatched-object check, and case-insensitive names, against
/// System.Text.Json called directly on the same ~200-byte camelCase records (the baseline). Outside the HotPath
/// namespace so the hotpath suite's filter does not pick it up.
/// </summary>
[MemoryDiagnoser]
public class JsonDeserializerBenchmarks
{
    private const int RecordCount = 1000;

    private readonly IReadOnlyList<KinesisClientRecord> _records = Payloads.Records(RecordCount);
    private readonly IRecordDeserializer<Order> _exactWithCheck = JsonRecordDeserializer.FromContext<Order>(OrderJsonContext.Default, allowNull: false, caseSensitive: true);
    private readonly IRecordDeserializer<Order> _ignoreCaseWithCheck = JsonRecordDeserializer.FromContext<Order>(OrderJsonContext.Default);
    private readonly IRecordDeserializer<Order> _ordinaryContext = JsonRecordDeserializer.FromContext<Order>(PlainOrderJsonContext.Default);
    private readonly UnmatchedJsonObjectCheck _check = UnmatchedJsonObjectCheck.For(OrderJsonContext.Default.Order)!;

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount, Description = "JsonSerializer.Deserialize, camelCase context, exact names")]
    public int Direct()
    {
        var sum = 0;
        foreach (var record in _records)
        {
            sum += JsonSerializer.Deserialize(record.Data.Span, OrderJsonContext.Default.Order)!.Quantity;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "JsonRecordDeserializer, camelCase context, strict (check only)")]
    public int ExactWithCheck() => Sum(_exactWithCheck);

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "JsonRecordDeserializer, camelCase context, ignoring case (default)")]
    public int IgnoreCaseWithCheck() => Sum(_ignoreCaseWithCheck);

    [Benchmark(OperationsPerInvoke = RecordCount, Description = "JsonRecordDeserializer, ordinary context (PascalCase names), camelCase records")]
    public int OrdinaryContext() => Sum(_ordinaryContext);

    // The check by itself, for an absolute figure that the machine's noise on the whole decode would hide.
    [Benchmark(OperationsPerInvoke = RecordCount, Description = "the unmatched-object check alone (first name known)")]
    public void CheckAlone()
    {
        foreach (var record in _records)
        {
            _check.ThrowIfNoPropertyMatches(record.Data.Span, record.SequenceNumber);
        }
    }

    private int Sum(IRecordDeserializer<Order> deserializer)
    {
        var sum = 0;
        foreach (var record in _records)
        {
            sum += deserializer.Deserialize(record).Quantity;
        }

        return sum;
    }
}

/// <summary>The ordinary declaration: no options, PascalCase names, case-sensitive by itself.</summary>
[JsonSerializable(typeof(Order))]
public sealed partial class PlainOrderJsonContext : JsonSerializerContext;
