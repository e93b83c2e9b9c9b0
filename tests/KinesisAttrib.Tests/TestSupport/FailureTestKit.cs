using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A destination that keeps what it was sent; it can refuse the first writes, or every write.</summary>
internal sealed class RecordingDestination : IFailedRecordDestination
{
    private int _refusalsLeft;

    public RecordingDestination(int refuseFirst = 0) => _refusalsLeft = refuseFirst;

    public ConcurrentQueue<FailedRecord> Received { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    private int _calls;

    public ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
        {
            throw new TimeoutException("destination unavailable");
        }

        Received.Enqueue(record);
        return default;
    }

    public List<string> Payloads() => Received.Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
}

/// <summary>Counts how often each payload was handled successfully, and each poison attempt.</summary>
internal sealed class HandledLog
{
    private readonly ConcurrentDictionary<string, int> _handled = new(StringComparer.Ordinal);
    private int _poisonAttempts;
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int PoisonAttempts => Volatile.Read(ref _poisonAttempts);

    public IReadOnlyDictionary<string, int> Handled => _handled;

    public void Add(string payload)
    {
        _handled.AddOrUpdate(payload, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public void PoisonAttempt() => Interlocked.Increment(ref _poisonAttempts);
}

/// <summary>A per-record handler that throws on one payload every time.</summary>
internal sealed class PoisonRecordProcessor(IServiceProvider services, HandlerSettings settings, string poison, HandledLog log, IRecordDeserializer<string>? deserializer = null)
    : RecordHandlerProcessor<string>(services, deserializer ?? RecordDeserializers.Utf8String, settings)
{
    protected override ValueTask HandleAsync(IServiceProvider services, string payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
    {
        if (payload == poison)
        {
            log.PoisonAttempt();
            throw new InvalidOperationException($"cannot handle {payload}");
        }

        log.Add(payload);
        return default;
    }
}

/// <summary>A batch handler that throws on any batch holding the poison payload, or reports it as the first failure.</summary>
internal sealed class PoisonBatchProcessor(IServiceProvider services, HandlerSettings settings, string poison, HandledLog log, bool reportFailure = false)
    : BatchHandlerProcessor<string>(services, RecordDeserializers.Utf8String, settings)
{
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    protected override ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<string>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
    {
        BatchSizes.Enqueue(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Payload != poison)
            {
                continue;
            }

            log.PoisonAttempt();
            if (!reportFailure)
            {
                throw new InvalidOperationException($"cannot handle {poison}");
            }

            for (var j = 0; j < i; j++)
            {
                log.Add(records[j].Payload);
            }

            return ValueTask.FromResult(BatchResult.FailedAt(i));
        }

        foreach (var record in records)
        {
            log.Add(record.Payload);
        }

        return ValueTask.FromResult(BatchResult.Success);
    }
}

/// <summary>Fails to decode one payload, every time.</summary>
internal sealed class PoisonDeserializer(string poison) : IRecordDeserializer<string>
{
    public string Deserialize(KinesisClientRecord record)
    {
        var text = RecordDeserializers.Utf8String.Deserialize(record);
        return text == poison ? throw new FormatException($"'{text}' is not a valid payload") : text;
    }
}
