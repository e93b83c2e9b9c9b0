using KinesisAttrib.Common;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Retrieval;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Shards;

/// <summary>How a shard consumer ended.</summary>
internal enum ConsumerOutcome
{
    /// <summary>The shard was fully processed and SHARD_END checkpointed.</summary>
    ShardEnded,

    /// <summary>Another worker took the lease.</summary>
    LeaseLost,

    /// <summary>The worker is stopping; the processor was asked to checkpoint.</summary>
    ShutDown,
}

/// <summary>
/// Runs one processor over one shard: reads batches, delivers them in order, and drives the processor lifecycle.
/// A batch the processor fails on is delivered again from the last checkpoint after a delay (while the checkpoint is
/// still <c>LATEST</c>, from the first record read); nothing is skipped. While the lease is suspended (not written for
/// the self-fence time, see <see cref="HeldLease.Suspend"/>) nothing is read or delivered and a batch in progress is
/// cancelled; a checkpoint being written goes on, and the shard resumes where it stopped once the lease is ours again.
/// </summary>
internal sealed class ShardConsumer
{
    private readonly ShardContext _shard;
    private readonly HeldLease _lease;
    private readonly LeaseCoordinator _coordinator;
    private readonly IShardRecordProcessor _processor;
    private readonly IKinesisClient _kinesis;
    private readonly ShardConsumerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IRecordsPublisherFactory _publishers;

    public ShardConsumer(ShardContext shard, HeldLease lease, LeaseCoordinator coordinator, IShardRecordProcessor processor, IKinesisClient kinesis, ShardConsumerOptions options, TimeProvider time, ILogger logger, DateTimeOffset? initialTimestamp = null, IRecordsPublisherFactory? publishers = null)
    {
        _publishers = publishers ?? new PollingRecordsPublisherFactory(kinesis, options.Retrieval, time, initialTimestamp, logger);
        _shard = shard;
        _lease = lease;
        _coordinator = coordinator;
        _processor = processor;
        _kinesis = kinesis;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where this shard's reads and batches are reported (nothing when run without a scheduler).</summary>
    public ShardTelemetry Telemetry { get; init; } = ShardTelemetry.None;

    /// <summary>The children the closed shard reported in its last GetRecords response (real Kinesis only), once it ended.</summary>
    public IReadOnlyList<ChildShard>? ChildShards { get; private set; }

    /// <summary>
    /// Runs until the shard ends, the lease is lost, or <paramref name="stopping"/> (or the lease's hand-off request)
    /// asks for a graceful stop.
    /// </summary>
    /// <param name="stopping">Graceful stop: the batch in hand is finished and checkpointed first.</param>
    /// <param name="aborted">Hard stop: everything is cancelled.</param>
    public async Task<ConsumerOutcome> RunAsync(CancellationToken stopping, CancellationToken aborted)
    {
        // Every line logged for this shard (the processor's and the handler's too) carries its shard, inside the
        // scheduler's scope (application, stream, worker).
        using var scope = ShardsLog.ShardScope(_logger, _shard.ShardId);
        try
        {
            return await RunCoreAsync(stopping, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lease.IsLost && !aborted.IsCancellationRequested)
        {
            // The processor honoured the token the lost lease cancelled (mid-batch, or in Initialize or ShardEnded):
            // it still gets its LeaseLost call.
            return await LoseLeaseAsync(aborted).ConfigureAwait(false);
        }
    }

    private async Task<ConsumerOutcome> RunCoreAsync(CancellationToken stopping, CancellationToken aborted)
    {
        using var gracefulCts = CancellationTokenSource.CreateLinkedTokenSource(stopping, _lease.HandoffRequested);
        stopping = gracefulCts.Token;
        using var readCts = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted, _lease.Lost);
        using var workCts = CancellationTokenSource.CreateLinkedTokenSource(aborted, _lease.Lost);
        var checkpointer = new ShardCheckpointer(_coordinator, _lease);
        // The lease carries the shard's hash key range (the KCL stores it too); without it no KPL user record is dropped.
        var hashKeyRange = HashKeyRange.FromDecimal(_lease.Current.StartingHashKey, _lease.Current.EndingHashKey);
        var fetcher = _publishers.Create(_shard, checkpointer.LastCheckpoint, hashKeyRange);

        // However the consumer ends, whatever the publisher runs (a read-ahead loop, a subscription) stops with it.
        await using var publisherScope = fetcher.ConfigureAwait(false);

        ShardsLog.ConsumerStarting(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, checkpointer.LastCheckpoint.ToString());
        var initialization = new InitializationInput(_shard, checkpointer.LastCheckpoint)
        {
            PendingCheckpoint = _lease.Current.PendingCheckpoint,
            PendingCheckpointState = _lease.Current.PendingCheckpointState,
            Telemetry = Telemetry,
        };
        await _processor.InitializeAsync(initialization, workCts.Token).ConfigureAwait(false);

        var failures = 0;
        FailureStreak? readFailures = null;
        while (true)
        {
            // A hard stop ends the consumer at once: no further read, no lifecycle call.
            aborted.ThrowIfCancellationRequested();
            if (_lease.IsLost)
            {
                return await LoseLeaseAsync(aborted).ConfigureAwait(false);
            }

            if (stopping.IsCancellationRequested)
            {
                return await ShutDownAsync(checkpointer, aborted).ConfigureAwait(false);
            }

            if (_lease.IsSuspended)
            {
                await WaitWhileSuspendedAsync(readCts.Token).ConfigureAwait(false);
                continue;
            }

            FetchResult batch;
            try
            {
                batch = await fetcher.FetchAsync(readCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (readCts.IsCancellationRequested && !aborted.IsCancellationRequested)
            {
                continue;
            }
            catch (ResourceNotFoundException ex) when (!readCts.IsCancellationRequested)
            {
                // A shard the stream no longer lists expired (the application was down longer than the retention
                // period): its remaining records are gone. End it, as the KCL does, or its children wait forever.
                if (!await IsShardGoneFromStreamAsync(readCts.Token).ConfigureAwait(false))
                {
                    throw;
                }

                ShardsLog.ShardExpired(_logger, ex, _shard.ApplicationName, _shard.StreamName, _shard.ShardId);
                batch = new FetchResult([], null, IsShardEnd: true, ChildShards: null);
            }
            catch (KinesisException ex) when (ex is not ResourceNotFoundException)
            {
                Telemetry.Scheduler?.StreamFailed();
                if (ex.IsRetryable)
                {
                    readFailures ??= new FailureStreak(_logger, _time, "Kinesis", "GetRecords", $"application '{_shard.ApplicationName}', stream '{_shard.StreamName}', shard '{_shard.ShardId}'");
                    readFailures.Failed(ex);
                }
                else
                {
                    ShardsLog.ReadFailed(_logger, ex, _shard.ApplicationName, _shard.StreamName, _shard.ShardId);
                }

                await DelayAsync(ReadBackoff.Delay(++failures), readCts.Token).ConfigureAwait(false);
                continue;
            }

            failures = 0;
            readFailures?.Succeeded();
            Telemetry.Read(batch.MillisBehindLatest);

            // Suspended while reading: the batch waits (it is still the next one) until the lease is ours again.
            while (_lease.IsSuspended && !readCts.IsCancellationRequested)
            {
                await WaitWhileSuspendedAsync(readCts.Token).ConfigureAwait(false);
            }

            if (readCts.IsCancellationRequested)
            {
                continue;
            }

            if (batch.Records.Count > 0)
            {
                checkpointer.LargestPermittedCheckpoint = batch.Records[^1].Position;

                // A suspension cancels the batch's work; the checkpointer writes with the hard-stop token instead.
                using var batchCts = CancellationTokenSource.CreateLinkedTokenSource(workCts.Token, _lease.Suspended);
                checkpointer.UseTokens(batchCts.Token, workCts.Token);
                var started = _time.GetTimestamp();
                using var activity = KinesisAttribActivities.StartProcess(Telemetry, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, batch.Records.Count, batch.Records[0].SequenceNumber, batch.Records[^1].SequenceNumber);
                try
                {
                    await _processor.ProcessRecordsAsync(new ProcessRecordsInput(batch.Records, batch.MillisBehindLatest, checkpointer) { StopRequested = stopping }, batchCts.Token).ConfigureAwait(false);
                    Telemetry.BatchProcessed(batch.Records.Count, _time.GetElapsedTime(started), batch.Records[^1].ApproximateArrivalTimestamp);
                    KinesisAttribActivities.Succeeded(activity);
                }
                catch (Exception ex) when (Telemetry.BatchFailed(batch.Records.Count, _time.GetElapsedTime(started), ex)
                    || KinesisAttribActivities.Failed(activity, ex, ex switch
                    {
                        LeaseLostException => "lease_lost",
                        OperationCanceledException => "interrupted",
                        _ => "error",
                    }))
                {
                    // Never entered: the filters only record the failed batch, the clauses below handle it.
                    throw;
                }
                catch (LeaseLostException)
                {
                    return await LoseLeaseAsync(aborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (batchCts.IsCancellationRequested && !workCts.IsCancellationRequested)
                {
                    // Suspended mid-batch: what was not checkpointed comes again once the lease is ours again.
                    ShardsLog.BatchInterrupted(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, batch.Records[0].SequenceNumber);
                    fetcher.ResetTo(checkpointer.LastCheckpoint);
                    checkpointer.LargestPermittedCheckpoint = checkpointer.LastCheckpoint;
                    continue;
                }
                catch (Exception ex) when (!workCts.IsCancellationRequested)
                {
                    // Redeliver from the last checkpoint: the failed record and everything after it come again.
                    ShardsLog.ProcessingFailed(_logger, ex, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, batch.Records[0].SequenceNumber);
                    activity?.Dispose(); // the batch's span ends here, not after the retry delay
                    // Still LATEST (nothing checkpointed yet), the fetcher rereads from the first record it returned.
                    fetcher.ResetTo(checkpointer.LastCheckpoint);
                    checkpointer.LargestPermittedCheckpoint = checkpointer.LastCheckpoint;
                    await DelayAsync(_options.ProcessingRetryDelay, readCts.Token).ConfigureAwait(false);
                    continue;
                }
            }

            if (batch.IsShardEnd)
            {
                ChildShards = batch.ChildShards;
                var ended = await EndShardAsync(checkpointer, workCts.Token).ConfigureAwait(false);
                if (ended)
                {
                    return ConsumerOutcome.ShardEnded;
                }

                // The processor did not record SHARD_END: keep the lease (children stay blocked) and ask again later.
                fetcher.ResetTo(checkpointer.LastCheckpoint);
                checkpointer.LargestPermittedCheckpoint = checkpointer.LastCheckpoint;
                await DelayAsync(_options.ProcessingRetryDelay, readCts.Token).ConfigureAwait(false);
                continue;
            }

            if (batch.Records.Count == 0)
            {
                if (_processor is IIdleShardProcessor idle)
                {
                    try
                    {
                        await idle.IdleAsync(checkpointer, workCts.Token).ConfigureAwait(false);
                    }
                    catch (LeaseLostException)
                    {
                        return await LoseLeaseAsync(aborted).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!workCts.IsCancellationRequested)
                    {
                        // Nothing to redeliver: every record delivered so far was handled; only its checkpoint waits.
                        ShardsLog.IdleFailed(_logger, ex, _shard.ApplicationName, _shard.StreamName, _shard.ShardId);
                    }
                }

                // No wait here: the publisher paces its reads (the idle time after an empty GetRecords; a subscription
                // pushes events as they come).
            }
        }
    }

    private async Task<bool> EndShardAsync(ShardCheckpointer checkpointer, CancellationToken cancellationToken)
    {
        checkpointer.LargestPermittedCheckpoint = ExtendedSequenceNumber.ShardEnd;
        try
        {
            await _processor.ShardEndedAsync(new ShardEndedInput(checkpointer), cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ShardsLog.ProcessingFailed(_logger, ex, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, "SHARD_END");

            // SHARD_END was recorded before the failure: the shard is finished (there is nothing to read again, and a
            // rewind to SHARD_END cannot open an iterator), so its children may start.
            if (!checkpointer.LastCheckpoint.IsShardEnd)
            {
                return false;
            }
        }

        if (!checkpointer.LastCheckpoint.IsShardEnd)
        {
            ShardsLog.ShardEndNotCheckpointed(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId);
            return false;
        }

        ShardsLog.ShardEnded(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId);
        return true;
    }

    private async Task<ConsumerOutcome> ShutDownAsync(ShardCheckpointer checkpointer, CancellationToken aborted)
    {
        try
        {
            await _processor.ShutdownRequestedAsync(new ShutdownRequestedInput(checkpointer), aborted).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            return await LoseLeaseAsync(aborted).ConfigureAwait(false);
        }

        ShardsLog.ConsumerStopped(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, "shutdown");
        return ConsumerOutcome.ShutDown;
    }

    private async Task<ConsumerOutcome> LoseLeaseAsync(CancellationToken aborted)
    {
        await _processor.LeaseLostAsync(new LeaseLostInput(), aborted).ConfigureAwait(false);
        ShardsLog.ConsumerStopped(_logger, _shard.ApplicationName, _shard.StreamName, _shard.ShardId, "lease lost");
        return ConsumerOutcome.LeaseLost;
    }

    private async Task WaitWhileSuspendedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _lease.WhenResumed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping, or the lease was lost while suspended: the loop decides.
        }
    }

    // True when the stream exists but no longer lists this shard; false when the stream itself is gone.
    private async Task<bool> IsShardGoneFromStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            var request = new ListShardsRequest { StreamName = _shard.StreamName };
            while (true)
            {
                var page = await _kinesis.ListShardsAsync(request, cancellationToken).ConfigureAwait(false);
                if (page.Shards.Any(s => s.ShardId == _shard.ShardId))
                {
                    return false;
                }

                if (page.NextToken is null)
                {
                    return true;
                }

                request = new ListShardsRequest { NextToken = page.NextToken };
            }
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
    }

    // After a read error: 0.4 s doubling to 30 s, less up to half at random.
    private static readonly Backoff ReadBackoff = new(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(30), jitter: 0.5);

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Woken early by a stop or a lost lease; the loop decides what to do next.
        }
    }

}
