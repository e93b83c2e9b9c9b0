using System.ComponentModel;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// The processor generated code plugs into for a per-record handler: for each batch it opens a DI scope, decodes
/// each record, calls the handler in shard order, and checkpoints as the checkpoint mode says. When the handler (or
/// decoding) fails on a record, the records before it are checkpointed and the failure propagates, so the failed
/// record and everything after it are delivered again; nothing is skipped. With a retry limit the record is retried in
/// place instead and, once the retries are used up, sent to the on-failure destination (see <see cref="HandlerSettings"/>).
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)] // Generated code uses it; users never name it.
public abstract class RecordHandlerProcessor<T> : HandlerProcessorBase<T>
{
    /// <summary>Creates the processor.</summary>
    /// <param name="services">The application's services; a scope is created from them per batch.</param>
    /// <param name="deserializer">Turns record data into <typeparamref name="T"/>.</param>
    /// <param name="settings">The handler's effective settings; null for the defaults.</param>
    protected RecordHandlerProcessor(IServiceProvider services, IRecordDeserializer<T> deserializer, HandlerSettings? settings = null)
        : base(services, deserializer, settings)
    {
    }

    /// <summary>Calls the user's handler for one record.</summary>
    /// <param name="services">The batch's scoped services.</param>
    /// <param name="payload">The decoded payload.</param>
    /// <param name="context">Where the record came from.</param>
    /// <param name="batch">The batch the record is part of.</param>
    /// <param name="checkpointer">
    /// The shard's checkpointer, for handlers that checkpoint themselves, limited to the records handled so far: its
    /// <see cref="IRecordProcessorCheckpointer.LargestPermittedCheckpoint"/> is this record, not the end of the batch.
    /// </param>
    /// <param name="cancellationToken">Cancelled when the worker stops hard.</param>
    protected abstract ValueTask HandleAsync(IServiceProvider services, T payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken);

    private protected override async ValueTask ProcessBatchAsync(IServiceProvider services, ProcessRecordsInput input, BatchContext batch, CancellationToken cancellationToken)
    {
        var records = input.Records;
        ExtendedSequenceNumber? done = null;
        var handlerCheckpointer = new HandlerCheckpointer(input.Checkpointer);
        try
        {
            for (var i = 0; i < records.Count; i++)
            {
                // A hard stop (or a lost lease) ends the batch here, even when the handler ignores its token: the
                // records not handled yet are delivered again, to this worker or the shard's new owner.
                cancellationToken.ThrowIfCancellationRequested();
                var record = records[i];
                if (IsTooOld(record))
                {
                    // Lambda's maximum record age: the record goes to the destination without being handled.
                    await SendToDestinationAsync(record, FailureReason.RecordTooOld, null, 0, input, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await HandleRecordAsync(services, record, batch, handlerCheckpointer, input, done, cancellationToken).ConfigureAwait(false);
                }

                done = record.Position;
                await CompletedAsync(input.Checkpointer, record.Position, 1, endOfBatch: i == records.Count - 1, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not Handlers.LeaseLostException)
        {
            // Keep the work that succeeded: the failed record and the rest of the batch are delivered again.
            await CheckpointPrefixAsync(input.Checkpointer, done).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Handles one record. Without a retry limit (the default, and the hot path) it is one attempt whose failure
    /// propagates (the consumer delivers the record again). With one, the same attempt is retried in place.
    /// </summary>
    private ValueTask HandleRecordAsync(IServiceProvider services, KinesisClientRecord record, BatchContext batch, HandlerCheckpointer handlerCheckpointer, ProcessRecordsInput input, ExtendedSequenceNumber? done, CancellationToken cancellationToken)
        // Per-record handlers ignore BisectBatchOnError: only a retry limit retries in place.
        => Settings.MaxRetryAttempts < 0
            ? HandleOnceAsync(services, record, batch, handlerCheckpointer, cancellationToken)
            : HandleWithRetriesAsync(services, record, batch, handlerCheckpointer, input, done, cancellationToken);

    /// <summary>
    /// One attempt: decode, then call the handler. Not an async method, so a record that decodes and is handled
    /// synchronously (the common case) costs no state machine.
    /// </summary>
    private ValueTask HandleOnceAsync(IServiceProvider services, KinesisClientRecord record, BatchContext batch, HandlerCheckpointer handlerCheckpointer, CancellationToken cancellationToken)
    {
        var decoding = DecodeAsync(services, record, cancellationToken);
        return decoding.IsCompletedSuccessfully
            ? HandleDecoded(decoding.Result, record, services, batch, handlerCheckpointer, cancellationToken)
            : AwaitDecodingAsync(decoding, record, services, batch, handlerCheckpointer, cancellationToken);
    }

    private async ValueTask AwaitDecodingAsync(ValueTask<(bool Decoded, T Payload)> decoding, KinesisClientRecord record, IServiceProvider services, BatchContext batch, HandlerCheckpointer handlerCheckpointer, CancellationToken cancellationToken)
        => await HandleDecoded(await decoding.ConfigureAwait(false), record, services, batch, handlerCheckpointer, cancellationToken).ConfigureAwait(false);

    private ValueTask HandleDecoded((bool Decoded, T Payload) decoding, KinesisClientRecord record, IServiceProvider services, BatchContext batch, HandlerCheckpointer handlerCheckpointer, CancellationToken cancellationToken)
    {
        if (!decoding.Decoded)
        {
            return default;
        }

        // "Everything delivered" to this handler ends at this record, not at the end of the batch.
        handlerCheckpointer.Limit = record.Position;
        return HandleAsync(services, decoding.Payload, new RecordContext(Shard, record), batch, handlerCheckpointer, cancellationToken);
    }

    /// <summary>
    /// Retries the attempt in place (with backoff) and after <see cref="HandlerSettings.MaxRetryAttempts"/> retries
    /// sends the record to the destination; before the first wait the records before it are checkpointed, so a lost
    /// lease meanwhile does not redeliver them.
    /// </summary>
    private async ValueTask HandleWithRetriesAsync(IServiceProvider services, KinesisClientRecord record, BatchContext batch, HandlerCheckpointer handlerCheckpointer, ProcessRecordsInput input, ExtendedSequenceNumber? done, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await HandleOnceAsync(services, record, batch, handlerCheckpointer, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not Handlers.LeaseLostException && !cancellationToken.IsCancellationRequested)
            {
                LogFailure(ex, record, 1, failures);
                if (RetriesExhausted(failures))
                {
                    var reason = ex is RecordDeserializationException || ex.InnerException is RecordDeserializationException
                        ? FailureReason.DeserializationFailed
                        : FailureReason.HandlerFailed;
                    await SendToDestinationAsync(record, reason, ex, failures, input, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (failures == 1)
                {
                    await CheckpointPrefixAsync(input.Checkpointer, done).ConfigureAwait(false);
                }

                if (!await WaitBeforeRetryAsync(failures, input, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }

                if (IsTooOld(record))
                {
                    // It grew too old while retried: the maximum age applies as it would on a redelivery.
                    await SendToDestinationAsync(record, FailureReason.RecordTooOld, null, failures, input, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
    }
}
