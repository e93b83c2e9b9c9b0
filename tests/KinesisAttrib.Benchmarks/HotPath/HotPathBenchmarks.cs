using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Benchmarks.HotPath;

/// <summary>
/// Records → payload → handler → checkpoint bookkeeping for one batch of 10,000 records of ~200-byte JSON, per record
/// (<c>OperationsPerInvoke</c>): the generated processors against what a user writes by hand on the raw processor API
/// (the baseline) and a hand-written <see cref="Utf8JsonReader"/> parser called directly (the floor).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    public const int BatchSize = 10_000;

    private ProcessRecordsInput _input = null!;
    private IShardRecordProcessor _generatedSync = null!;
    private IShardRecordProcessor _generatedAsync = null!;
    private IShardRecordProcessor _byHand = null!;
    private IShardRecordProcessor _floor = null!;
    private IShardRecordProcessor _sourceGeneratedDirect = null!;
    private IShardRecordProcessor _generatedCustom = null!;
    private IShardRecordProcessor _generatedReporting = null!;
    private ShardTelemetry _shardTelemetry = null!;
    private IDisposable _registration = null!;
    private MeterListener? _listener;
    private ServiceProvider _services = null!;

    /// <summary>What the meter-on listener received (so the callbacks are not optimised away).</summary>
    public static double Received { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var records = Payloads.Records(BatchSize);
        _input = new ProcessRecordsInput(records, 0, new NoOpCheckpointer(records[^1].Position));
        _services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptors = _services.GetServices<KinesisHandlerDescriptor>().ToDictionary(d => d.Settings.HandlerName, StringComparer.Ordinal);
        _generatedSync = Initialize(descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnOrder)}"].CreateProcessor(_services, descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnOrder)}"].Settings));
        _generatedAsync = Initialize(descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnOrderAsync)}"].CreateProcessor(_services, descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnOrderAsync)}"].Settings));
        _byHand = Initialize(new ByHandProcessor(new OrderHandler()));
        _floor = Initialize(new FloorProcessor(OrderParser.Parse));
        _sourceGeneratedDirect = Initialize(new FloorProcessor(data => JsonSerializer.Deserialize(data.Span, OrderJsonContext.Default.Order)!));
        _generatedCustom = Initialize(descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnParsedOrder)}"].CreateProcessor(_services, descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnParsedOrder)}"].Settings));

        // The same generated processor, reporting as a scheduler's shard consumer does: registered for the gauges,
        // its processor given the shard's telemetry, and each batch wrapped like ShardConsumer wraps it.
        var scheduler = new SchedulerTelemetry("bench", OrderHandlers.Stream, "worker-1", includeShard: true);
        _registration = KinesisAttribMetrics.Register(scheduler);
        _shardTelemetry = scheduler.StartShard("shardId-000000000000");
        var onOrder = descriptors[$"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnOrder)}"];
        _generatedReporting = onOrder.CreateProcessor(_services, onOrder.Settings);
        _generatedReporting.InitializeAsync(new InitializationInput(new ShardContext("bench", OrderHandlers.Stream, "shardId-000000000000", "worker-1"), ExtendedSequenceNumber.TrimHorizon) { Telemetry = _shardTelemetry }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        StopMeter();
        _registration.Dispose();
        _services.Dispose();
    }

    /// <summary>Turns the meter on: a listener enabled for every KinesisAttrib instrument, adding up what it receives as an exporter would.</summary>
    public void StartMeter()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "KinesisAttrib")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Received += value);
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Received += value);
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => Received += value);
        _listener.Start();
    }

    public void StopMeter()
    {
        _listener?.Dispose();
        _listener = null;
    }

    /// <summary>Whether a variant runs with the meter on (the interleaved harness starts and stops it around that variant only).</summary>
    public static bool NeedsMeter(string description) => description.Contains("meter on", StringComparison.Ordinal);

    [IterationSetup(Target = nameof(GeneratedMeterOn))]
    public void MeterOnSetup() => StartMeter();

    [IterationCleanup(Target = nameof(GeneratedMeterOn))]
    public void MeterOnCleanup() => StopMeter();

    private static IShardRecordProcessor Initialize(IShardRecordProcessor processor)
    {
        processor.InitializeAsync(new InitializationInput(new ShardContext("bench", OrderHandlers.Stream, "shardId-000000000000", "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return processor;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize, Description = "by hand: UTF-8 string + reflection JsonSerializer + interface handler")]
    public ValueTask ByHand() => _byHand.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "floor: hand-written Utf8JsonReader parser, direct call")]
    public ValueTask Floor() => _floor.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "no framework: source-generated JsonSerializer, direct call")]
    public ValueTask SourceGeneratedDirect() => _sourceGeneratedDirect.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "generated: void OnOrder(Order)")]
    public ValueTask GeneratedSync() => _generatedSync.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "generated: Task OnOrderAsync(Order, RecordContext, CancellationToken)")]
    public ValueTask GeneratedAsync() => _generatedAsync.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "generated: void OnParsedOrder(Order), Deserializer = the floor's parser")]
    public ValueTask GeneratedCustomDeserializer() => _generatedCustom.ProcessRecordsAsync(_input, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "generated: void OnOrder(Order), reporting, meter off")]
    public ValueTask GeneratedMeterOff() => ReportingBatchAsync();

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "generated: void OnOrder(Order), reporting, meter on (listener on every instrument)")]
    public ValueTask GeneratedMeterOn() => ReportingBatchAsync();

    // What ShardConsumer adds around a batch: the lag, the span (none without a listener), the batch's count and duration.
    private async ValueTask ReportingBatchAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        _shardTelemetry.Read(_input.MillisBehindLatest);
        using var activity = KinesisAttribActivities.StartProcess(_shardTelemetry, "bench", OrderHandlers.Stream, "shardId-000000000000", _input.Records.Count, _input.Records[0].SequenceNumber, _input.Records[^1].SequenceNumber);
        await _generatedReporting.ProcessRecordsAsync(_input, CancellationToken.None);
        _shardTelemetry.BatchProcessed(_input.Records.Count, TimeProvider.System.GetElapsedTime(started), _input.Records[^1].ApproximateArrivalTimestamp);
        KinesisAttribActivities.Succeeded(activity);
    }

    /// <summary>The handler behind an interface, as a hand-written processor would resolve it.</summary>
    public interface IOrderHandler
    {
        Task HandleAsync(Order order, CancellationToken cancellationToken);
    }

    private sealed class OrderHandler : IOrderHandler
    {
        public Task HandleAsync(Order order, CancellationToken cancellationToken)
        {
            OrderHandlers.Sink += order.Quantity;
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The baseline: a processor written by hand on the raw API the way the KCL samples read: the data as a UTF-8
    /// string, reflection-based <see cref="JsonSerializer"/> (cached options), the handler through an interface, a
    /// checkpoint at the end of the batch.
    /// </summary>
    private sealed class ByHandProcessor(IOrderHandler handler) : IShardRecordProcessor
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => default;

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            foreach (var record in input.Records)
            {
                var json = Encoding.UTF8.GetString(record.Data.Span);
#pragma warning disable IL2026, IL3050 // The baseline is the reflection path on purpose.
                var order = JsonSerializer.Deserialize<Order>(json, Options)!;
#pragma warning restore IL2026, IL3050
                await handler.HandleAsync(order, cancellationToken);
            }

            await input.Checkpointer.CheckpointAsync(cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    /// <summary>A decoder over the bytes and a direct call, nothing else: with the hand-written parser, the floor.</summary>
    private sealed class FloorProcessor(Func<ReadOnlyMemory<byte>, Order> decode) : IShardRecordProcessor
    {
        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => default;

        public ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            var records = input.Records;
            for (var i = 0; i < records.Count; i++)
            {
                var order = decode(records[i].Data);
                OrderHandlers.Sink += order.Quantity;
            }

            return input.Checkpointer.CheckpointAsync(cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    /// <summary>
    /// Checkpoint bookkeeping without a lease table: remembers the position. It always reports no checkpoint yet, so
    /// every batch of every iteration checkpoints.
    /// </summary>
    private sealed class NoOpCheckpointer(ExtendedSequenceNumber largest) : IRecordProcessorCheckpointer
    {
        public ExtendedSequenceNumber Stored { get; private set; }

        public string ShardId => "shardId-000000000000";

        public ExtendedSequenceNumber LastCheckpoint => ExtendedSequenceNumber.TrimHorizon;

        public ExtendedSequenceNumber LargestPermittedCheckpoint => largest;

        public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => CheckpointAsync(largest.SequenceNumber, largest.SubSequenceNumber, cancellationToken);

        public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default) => CheckpointAsync(record.SequenceNumber, record.SubSequenceNumber, cancellationToken);

        public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
        {
            Stored = new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber);
            return default;
        }
    }
}

/// <summary>Deterministic ~200-byte JSON orders as Kinesis records.</summary>
public static class Payloads
{
    private static readonly string[] Skus = ["SKU-00017-BLUE-XL", "SKU-10442-RED-M", "SKU-20931-GREEN-S", "SKU-33110-BLACK-L"];

    public static byte[] Json(int i) => JsonSerializer.SerializeToUtf8Bytes(
        new Order
        {
            OrderId = new Guid(i, 7, 11, 1, 2, 3, 4, 5, 6, 7, 8).ToString(),
            CustomerId = $"customer-{i % 9973:D6}",
            Sku = Skus[i % Skus.Length],
            Quantity = 1 + (i % 7),
            Price = 10.25m + (i % 1000),
            Currency = "EUR",
            CreatedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(i),
            Note = "leave at the door",
        },
        OrderJsonContext.Default.Order);

    public static IReadOnlyList<KinesisClientRecord> Records(int count)
    {
        var records = new KinesisClientRecord[count];
        for (var i = 0; i < count; i++)
        {
            var sequence = "4959033827149025660855969253836157109592157598" + i.ToString("D10", CultureInfo.InvariantCulture);
            records[i] = new KinesisClientRecord(sequence, 0, $"customer-{i % 9973:D6}", Json(i), DateTimeOffset.UnixEpoch);
        }

        return records;
    }
}
