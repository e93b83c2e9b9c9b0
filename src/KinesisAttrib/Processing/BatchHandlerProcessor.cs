using System.Collections;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// The processor generated code plugs into for a batch handler: for each batch it opens a DI scope, decodes the
/// records and calls the handler once. A <see cref="BatchResult"/> naming a failed record checkpoints the records
/// before it and has it and the rest delivered again; a handler exception has the whole batch delivered again. When a
/// record fails to deserialize with <see cref="DeserializationFailurePolicy.StopShard"/>, the records before it are
/// handled and checkpointed first, then the shard stops at it.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public abstract class BatchHandlerProcessor<T> : HandlerProcessorBase<T>
{
    /// <summary>Creates the processor.</summary>
    /// <param name="services">The application's services; a scope is created from them per batch.</param>
    /// <param name="deserializer">Turns record data into <typeparamref name="T"/>.</param>
    /// <param name="settings">Checkpoint mode and failure policy; null for the defaults.</param>
    protected BatchHandlerProcessor(IServiceProvider services, IRecordDeserializer<T> deserializer, HandlerSettings? settings = null)
        : base(services, deserializer, settings)
    {
    }

    /// <summary>Calls the user's handler for one batch.</summary>
    /// <param name="services">The batch's scoped services.</param>
    /// <param name="records">The decoded records (without any skipped by the failure policy), in shard order.</param>
    /// <param name="batch">The batch.</param>
    /// <param name="checkpointer">
    /// The shard's checkpointer, for handlers that checkpoint themselves, limited to the records given to the handler
    /// (when the shard stops at a record that does not deserialize, the records before it).
    /// </param>
    /// <param name="cancellationToken">Cancelled when the worker stops hard.</param>
    /// <returns>Success, or the first record that failed.</returns>
    protected abstract ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<T>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken);

    /// <summary>The payloads of <paramref name="records"/>, as a list view (no copy), for handlers that take <c>IReadOnlyList&lt;T&gt;</c>.</summary>
    protected static IReadOnlyList<T> Payloads(IReadOnlyList<KinesisRecord<T>> records) => new PayloadList(records);

    private protected override async ValueTask ProcessBatchAsync(IServiceProvider services, ProcessRecordsInput input, BatchContext batch, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessAsync(services, input, batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not Leases.LeaseLostException)
        {
            // Whatever failed (the handler, its BatchResult, the failure handler), what earlier batches completed is kept
            // (periodic mode); a no-op where the failure path already checkpointed.
            await CheckpointPrefixAsync(input.Checkpointer, null).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask ProcessAsync(IServiceProvider services, ProcessRecordsInput input, BatchContext batch, CancellationToken cancellationToken)
    {
        var raw = input.Records;
        var decoded = new List<KinesisRecord<T>>(raw.Count);
        RecordDeserializationException? stop = null;
        var handled = raw.Count;
        for (var i = 0; i < raw.Count; i++)
        {
            try
            {
                var (ok, payload) = await DecodeAsync(services, raw[i], cancellationToken).ConfigureAwait(false);
                if (ok)
                {
                    decoded.Add(new KinesisRecord<T>(payload, new RecordContext(Shard, raw[i])));
                }
            }
            catch (RecordDeserializationException ex)
            {
                // The shard stops here, but the records before it are good: handle those first.
                stop = ex;
                handled = i;
                break;
            }
        }

        // When the shard stops at a record, the handler is given (and may checkpoint) only the records before it.
        var handlerCheckpointer = new HandlerCheckpointer(input.Checkpointer);
        if (handled > 0)
        {
            handlerCheckpointer.Limit = raw[handled - 1].Position;
        }

        BatchResult result;
        try
        {
            result = decoded.Count > 0
                ? await HandleAsync(services, decoded, batch, handlerCheckpointer, cancellationToken).ConfigureAwait(false)
                : BatchResult.Success;
        }
        catch (Exception ex) when (ex is not Leases.LeaseLostException)
        {
            // The whole batch comes again; what earlier batches completed is kept.
            await CheckpointPrefixAsync(input.Checkpointer, null).ConfigureAwait(false);
            throw;
        }

        if (result.IsPartialFailure)
        {
            var failed = FindFailed(result, decoded, raw, handled);
            await CheckpointPrefixAsync(input.Checkpointer, failed > 0 ? raw[failed - 1].Position : null).ConfigureAwait(false);
            throw new BatchPartialFailureException(Settings.HandlerName, Shard.StreamName, Shard.ShardId, raw[failed].Position);
        }

        if (handled > 0)
        {
            await CompletedAsync(input.Checkpointer, raw[handled - 1].Position, handled, endOfBatch: true, cancellationToken).ConfigureAwait(false);
        }

        if (stop is not null)
        {
            await CheckpointPrefixAsync(input.Checkpointer, handled > 0 ? raw[handled - 1].Position : null).ConfigureAwait(false);
            throw stop;
        }
    }

    /// <summary>The index in the raw batch of the first failed record, from the index or position the handler reported.</summary>
    private int FindFailed(BatchResult result, List<KinesisRecord<T>> decoded, IReadOnlyList<KinesisClientRecord> raw, int handled)
    {
        ExtendedSequenceNumber position;
        if (result.FailedIndex is { } index)
        {
            if (index >= decoded.Count)
            {
                throw new InvalidOperationException($"Handler {Settings.HandlerName} reported a failure at index {index}, but its batch has {decoded.Count} records; the whole batch will be delivered again.");
            }

            position = decoded[index].Record.Position;
        }
        else
        {
            position = result.FailedPosition!.Value;
        }

        for (var i = 0; i < handled; i++)
        {
            if (raw[i].Position == position)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Handler {Settings.HandlerName} reported a failure at record {position}, which is not in its batch from {Shard.StreamName}/{Shard.ShardId}; the whole batch will be delivered again.");
    }

    private sealed class PayloadList(IReadOnlyList<KinesisRecord<T>> records) : IReadOnlyList<T>
    {
        public T this[int index] => records[index].Payload;

        public int Count => records.Count;

        public IEnumerator<T> GetEnumerator()
        {
            foreach (var record in records)
            {
                yield return record.Payload;
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
