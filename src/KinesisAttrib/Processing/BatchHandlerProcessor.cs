using System.ComponentModel;
using System.Collections;
using System.Runtime.ExceptionServices;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// The processor generated code plugs into for a batch handler: for each batch it opens a DI scope, decodes the
/// records and calls the handler once. A <see cref="BatchResult"/> naming a failed record checkpoints the records
/// before it and has it and the rest delivered again; a handler exception has the whole batch delivered again. When a
/// record fails to deserialize with <see cref="DeserializationFailurePolicy.StopShard"/>, the records before it are
/// handled and checkpointed first, then the shard stops at it. With a retry limit or bisection (see
/// <see cref="HandlerSettings"/>) failures are retried in place instead, bisected down to the poison record, and given up
/// on to the on-failure destination once the retries are used up. Both run through one pipeline: records are decoded
/// into a segment, the segment is handled, and a failure either propagates or is retried.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)] // Generated code uses it; users never name it.
public abstract class BatchHandlerProcessor<T> : HandlerProcessorBase<T>
{
    /// <summary>Creates the processor.</summary>
    /// <param name="services">The application's services; a scope is created from them per batch.</param>
    /// <param name="deserializer">Turns record data into <typeparamref name="T"/>.</param>
    /// <param name="settings">The handler's effective settings; null for the defaults.</param>
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
        var raw = input.Records;
        var run = new BatchRun(services, input, batch, new HandlerCheckpointer(input.Checkpointer), raw.Count, Settings.RetriesInPlace);
        RecordDeserializationException? stop = null;
        var stopAt = raw.Count;
        try
        {
            for (var i = 0; i < raw.Count; i++)
            {
                // A hard stop (or a lost lease) ends the batch here: what is not done is delivered again.
                cancellationToken.ThrowIfCancellationRequested();
                var record = raw[i];
                if (IsTooOld(record))
                {
                    // Lambda's maximum record age: the record goes to the destination without being handled. Retrying
                    // in place, the records before it are handled first; otherwise the handler gets them in one call.
                    if (run.RetriesInPlace)
                    {
                        await FlushAsync(run, i - 1, cancellationToken).ConfigureAwait(false);
                    }

                    await SendToDestinationAsync(record, FailureReason.RecordTooOld, null, 0, input, cancellationToken).ConfigureAwait(false);
                    if (run.Segment.Count == 0 && run.Done == i - 1)
                    {
                        // Kept (checkpointed) even when the handler then fails on the rest, so a redelivery does not
                        // send it again.
                        run.MarkDone(i);
                    }

                    continue;
                }

                Exception error;
                try
                {
                    var (ok, payload) = await DecodeAsync(services, record, cancellationToken).ConfigureAwait(false);
                    if (ok)
                    {
                        run.Add(new KinesisRecord<T>(payload, new RecordContext(Shard, record)), i);
                    }

                    continue;
                }
                catch (Exception ex) when (ex is not Handlers.LeaseLostException
                    && (run.RetriesInPlace ? !cancellationToken.IsCancellationRequested : ex is RecordDeserializationException))
                {
                    error = ex;
                }

                if (!run.RetriesInPlace)
                {
                    // The shard stops here, but the records before it are good: handle those first.
                    stop = (RecordDeserializationException)error;
                    stopAt = i;
                    break;
                }

                await FlushAsync(run, i - 1, cancellationToken).ConfigureAwait(false);
                await DecodeWithRetriesAsync(run, i, error, cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(run, stopAt - 1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not Handlers.LeaseLostException)
        {
            // Whatever failed (the handler, its BatchResult, the failure handler), what is done is kept: in this batch,
            // or what earlier batches completed but the mode had not checkpointed yet (periodic mode).
            await CheckpointDoneAsync(run).ConfigureAwait(false);
            await CheckpointPrefixAsync(input.Checkpointer, null).ConfigureAwait(false);
            throw;
        }

        if (stopAt > 0)
        {
            await CompletedAsync(input.Checkpointer, raw[stopAt - 1].Position, stopAt, endOfBatch: true, cancellationToken).ConfigureAwait(false);
        }

        if (stop is not null)
        {
            await CheckpointPrefixAsync(input.Checkpointer, stopAt > 0 ? raw[stopAt - 1].Position : null).ConfigureAwait(false);
            throw stop;
        }
    }

    /// <summary>Handles the collected segment (if any); then everything up to raw index <paramref name="throughRaw"/> is done.</summary>
    private async ValueTask FlushAsync(BatchRun run, int throughRaw, CancellationToken cancellationToken)
    {
        if (run.Segment.Count > 0)
        {
            await HandleRangesAsync(run, run.Input.Records[throughRaw].Position, cancellationToken).ConfigureAwait(false);
            run.StartSegment();
        }

        run.MarkDone(throughRaw);
    }

    /// <summary>
    /// Calls the handler on the segment until every record of it is handled or given up on. Without in-place retries a
    /// failure propagates (after checkpointing what is done) and the consumer delivers the rest again. Otherwise a range
    /// that fails:
    /// <list type="bullet">
    /// <item>with a reported first failed record (<see cref="BatchResult"/>): the records before it are done; the range
    /// from it is retried; after the retries it alone goes to the destination and the rest is handled;</item>
    /// <item>by throwing, with <see cref="HandlerSettings.BisectBatchOnError"/> and more than one record: it is split in
    /// halves, left first, each with fresh retries, so only the poison record ends up retried and given up on;</item>
    /// <item>by throwing otherwise: it is retried whole; after the retries every record of it goes to the destination.</item>
    /// </list>
    /// </summary>
    /// <param name="run">The batch.</param>
    /// <param name="segmentLimit">The largest checkpoint a handler given the whole segment may write (records skipped after its last one included).</param>
    /// <param name="cancellationToken">Cancelled when the worker stops hard.</param>
    private async ValueTask HandleRangesAsync(BatchRun run, ExtendedSequenceNumber segmentLimit, CancellationToken cancellationToken)
    {
        var records = run.Segment;
        var ranges = new Stack<(int Lo, int Hi)>();
        ranges.Push((0, records.Count));
        var failures = 0;
        while (ranges.TryPop(out var range))
        {
            var (lo, hi) = range;

            // A record that grew too old while its range was retried goes to the destination, as on a redelivery.
            while (failures > 0 && lo < hi && IsTooOld(records[lo].Record))
            {
                await SendToDestinationAsync(records[lo].Record, FailureReason.RecordTooOld, null, failures, run.Input, cancellationToken).ConfigureAwait(false);
                run.MarkDone(run.RawIndexOf(lo));
                lo++;
            }

            if (lo == hi)
            {
                failures = 0;
                continue;
            }

            var whole = lo == 0 && hi == records.Count;
            var given = whole ? records : records.GetRange(lo, hi - lo);
            run.Checkpointer.Limit = whole ? segmentLimit : records[hi - 1].Record.Position;
            var failedAt = -1;
            Exception error;
            try
            {
                var result = await HandleAsync(run.Services, given, run.Batch, run.Checkpointer, cancellationToken).ConfigureAwait(false);
                if (!result.IsPartialFailure)
                {
                    run.MarkDone(run.RawIndexOf(hi - 1));
                    failures = 0;
                    continue;
                }

                failedAt = lo + FindFailedIn(result, given);
                error = new BatchPartialFailureException(Settings.HandlerName, Shard.StreamName, Shard.ShardId, records[failedAt].Record.Position);
            }
            catch (Exception ex) when (ex is not Handlers.LeaseLostException && !cancellationToken.IsCancellationRequested)
            {
                error = ex;
            }

            if (failedAt >= 0)
            {
                // The records before the failed one (and any skipped between them) are done.
                run.MarkDone(run.RawIndexOf(failedAt) - 1);
                if (failedAt > lo)
                {
                    failures = 0;
                }
            }

            if (!run.RetriesInPlace)
            {
                await CheckpointDoneAsync(run).ConfigureAwait(false);
                ExceptionDispatchInfo.Throw(error);
            }

            if (failedAt >= 0)
            {
                failures++;
                LogFailure(error, records[failedAt].Record, hi - failedAt, failures);
                if (RetriesExhausted(failures))
                {
                    await SendToDestinationAsync(records[failedAt].Record, FailureReason.ReportedByHandler, error, failures, run.Input, cancellationToken).ConfigureAwait(false);
                    run.MarkDone(run.RawIndexOf(failedAt));
                    failures = 0;
                    if (failedAt + 1 < hi)
                    {
                        ranges.Push((failedAt + 1, hi));
                    }

                    continue;
                }

                ranges.Push((failedAt, hi));
            }
            else if (Settings.BisectBatchOnError && hi - lo > 1)
            {
                LogBisecting(records[lo].Record, hi - lo);
                var mid = lo + ((hi - lo) / 2);
                ranges.Push((mid, hi));
                ranges.Push((lo, mid));
                failures = 0;
                continue;
            }
            else
            {
                failures++;
                LogFailure(error, records[lo].Record, hi - lo, failures);
                if (RetriesExhausted(failures))
                {
                    for (var k = lo; k < hi; k++)
                    {
                        await SendToDestinationAsync(records[k].Record, FailureReason.HandlerFailed, error, failures, run.Input, cancellationToken).ConfigureAwait(false);
                        run.MarkDone(run.RawIndexOf(k));
                    }

                    failures = 0;
                    continue;
                }

                ranges.Push((lo, hi));
            }

            // Keep what is done before waiting: a lost lease or a stop meanwhile redelivers only from the failure.
            await CheckpointDoneAsync(run).ConfigureAwait(false);
            if (!await WaitBeforeRetryAsync(failures, run.Input, cancellationToken).ConfigureAwait(false))
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
    }

    /// <summary>A record that did not decode: decoded again after each backoff, and after the retries sent to the destination.</summary>
    private async ValueTask DecodeWithRetriesAsync(BatchRun run, int index, Exception firstError, CancellationToken cancellationToken)
    {
        var record = run.Input.Records[index];
        var error = firstError;
        for (var failures = 1; ; failures++)
        {
            LogFailure(error, record, 1, failures);
            if (RetriesExhausted(failures))
            {
                await SendToDestinationAsync(record, FailureReason.DeserializationFailed, error, failures, run.Input, cancellationToken).ConfigureAwait(false);
                run.MarkDone(index);
                return;
            }

            await CheckpointDoneAsync(run).ConfigureAwait(false);
            if (!await WaitBeforeRetryAsync(failures, run.Input, cancellationToken).ConfigureAwait(false))
            {
                ExceptionDispatchInfo.Throw(error);
            }

            if (IsTooOld(record))
            {
                // It grew too old while decoded again: the maximum age applies as it would on a redelivery.
                await SendToDestinationAsync(record, FailureReason.RecordTooOld, null, failures, run.Input, cancellationToken).ConfigureAwait(false);
                run.MarkDone(index);
                return;
            }

            try
            {
                var (ok, payload) = await DecodeAsync(run.Services, record, cancellationToken).ConfigureAwait(false);
                if (ok)
                {
                    run.Add(new KinesisRecord<T>(payload, new RecordContext(Shard, record)), index);
                }

                return;
            }
            catch (Exception ex) when (ex is not Handlers.LeaseLostException && !cancellationToken.IsCancellationRequested)
            {
                error = ex;
            }
        }
    }

    private ValueTask CheckpointDoneAsync(BatchRun run) =>
        run.Done >= 0 ? CheckpointPrefixAsync(run.Input.Checkpointer, run.Input.Records[run.Done].Position) : default;

    /// <summary>The index in <paramref name="given"/> of the first failed record the handler reported; throws when it is not there.</summary>
    private int FindFailedIn(BatchResult result, List<KinesisRecord<T>> given)
    {
        if (result.FailedIndex is { } index)
        {
            return index < given.Count
                ? index
                : throw new InvalidOperationException($"Handler {Settings.HandlerName} reported a failure at index {index}, but it was given {given.Count} records; they will be delivered again.");
        }

        var position = result.FailedPosition!.Value;
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i].Record.Position == position)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Handler {Settings.HandlerName} reported a failure at record {position}, which it was not given from {Shard.StreamName}/{Shard.ShardId}; its records will be delivered again.");
    }

    /// <summary>The state of one batch: the current segment of decoded records waiting for the handler, and how far the batch is done.</summary>
    private sealed class BatchRun(IServiceProvider services, ProcessRecordsInput input, BatchContext batch, HandlerCheckpointer checkpointer, int capacity, bool retriesInPlace)
    {
        private List<int> _rawIndexes = new(capacity);

        public IServiceProvider Services { get; } = services;

        public ProcessRecordsInput Input { get; } = input;

        public BatchContext Batch { get; } = batch;

        public HandlerCheckpointer Checkpointer { get; } = checkpointer;

        /// <summary>Whether failures are retried in place (<see cref="HandlerSettings.RetriesInPlace"/>) rather than propagated.</summary>
        public bool RetriesInPlace { get; } = retriesInPlace;

        /// <summary>The decoded records waiting for the handler (a new list per segment: a handler may keep the one it got).</summary>
        public List<KinesisRecord<T>> Segment { get; private set; } = new(capacity);

        /// <summary>The raw index up to which every record is handled or given up on; -1 for none.</summary>
        public int Done { get; private set; } = -1;

        public void Add(KinesisRecord<T> record, int rawIndex)
        {
            Segment.Add(record);
            _rawIndexes.Add(rawIndex);
        }

        public int RawIndexOf(int segmentIndex) => _rawIndexes[segmentIndex];

        public void MarkDone(int rawIndex) => Done = Math.Max(Done, rawIndex);

        public void StartSegment()
        {
            Segment = [];
            _rawIndexes = [];
        }
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
