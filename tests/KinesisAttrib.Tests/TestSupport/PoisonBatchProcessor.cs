using System.Collections.Concurrent;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.TestSupport;

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
