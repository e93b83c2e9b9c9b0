using System.ComponentModel;
using KinesisAttrib.Common;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Processing;

/// <summary>
/// What the generated processors share: the shard lifecycle, a DI scope per batch, decoding with the
/// deserialization-failure policy, the failure policy (in-place retries with backoff, maximum record age, the on-failure
/// destination) and the checkpoint mode. <see cref="RecordHandlerProcessor{T}"/> and
/// <see cref="BatchHandlerProcessor{T}"/> add the two ways of calling a handler.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)] // Generated code uses it; users never name it.
public abstract class HandlerProcessorBase<T> : IShardRecordProcessor, IIdleShardProcessor
{
    private readonly IServiceProvider _services;
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IRecordDeserializer<T> _deserializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ShardContext? _shard;
    private ShardTelemetry _telemetry = ShardTelemetry.None;
    private ExtendedSequenceNumber? _lastProcessed;
    private int _sinceCheckpoint;
    private long _lastCheckpointTimestamp;
    private IFailedRecordDestination? _destination;
    private ExtendedSequenceNumber? _pendingCheckpoint;
    private byte[]? _pendingCheckpointState;

    /// <summary>Creates the processor.</summary>
    /// <param name="services">The application's services; a scope is created from them per batch.</param>
    /// <param name="deserializer">Turns record data into <typeparamref name="T"/>.</param>
    /// <param name="settings">The handler's effective settings (with the application's overrides); null for the defaults.</param>
    protected HandlerProcessorBase(IServiceProvider services, IRecordDeserializer<T> deserializer, HandlerSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _scopeFactory = services.GetRequiredService<IServiceScopeFactory>();
        _deserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
        Settings = settings ?? new HandlerSettings();

        // The host validated these at start; a processor made without it (a test, a Scheduler run by hand) is checked here.
        Settings.Validate();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("KinesisAttrib.Handlers") ?? NullLogger.Instance;
    }

    /// <summary>Checkpoint mode, failure policy and the handler's name, as the host resolved them at start.</summary>
    protected HandlerSettings Settings { get; }

    /// <summary>The shard this processor works on (set by <see cref="InitializeAsync"/>).</summary>
    protected ShardContext Shard => _shard ?? throw new InvalidOperationException("The processor has not been initialized.");

    /// <inheritdoc />
    public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        _shard = input.Shard;
        _telemetry = input.Telemetry;
        _pendingCheckpoint = input.PendingCheckpoint;
        _pendingCheckpointState = input.PendingCheckpointState;
        _destination = FailureDestinationResolver.Resolve(_services, Settings, input.Shard.ApplicationName);
        _lastCheckpointTimestamp = _time.GetTimestamp();
        return default;
    }

    /// <inheritdoc />
    public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var batch = new BatchContext(Shard, input.Records, input.MillisBehindLatest)
            {
                PendingCheckpoint = _pendingCheckpoint,
                PendingCheckpointState = _pendingCheckpointState,
            };
            await ProcessBatchAsync(scope.ServiceProvider, input, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the handler over one batch, in the batch's scope.</summary>
    private protected abstract ValueTask ProcessBatchAsync(IServiceProvider services, ProcessRecordsInput input, BatchContext batch, CancellationToken cancellationToken);

    /// <summary>
    /// Decodes one record. On failure the policy decides: <see cref="DeserializationFailurePolicy.StopShard"/> throws
    /// <see cref="RecordDeserializationException"/>; the others log or hand the record over and return false (skip).
    /// </summary>
    private protected ValueTask<(bool Decoded, T Payload)> DecodeAsync(IServiceProvider services, KinesisClientRecord record, CancellationToken cancellationToken)
    {
        // Not async: a record that decodes (nearly all of them) costs no state machine; only a failure goes async.
        try
        {
            return new((true, _deserializer.Deserialize(record)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return DecodeFailedAsync(services, record, new RecordDeserializationException(Shard.StreamName, Shard.ShardId, record.Position, typeof(T), ex), cancellationToken);
        }
    }

    private async ValueTask<(bool Decoded, T Payload)> DecodeFailedAsync(IServiceProvider services, KinesisClientRecord record, RecordDeserializationException failure, CancellationToken cancellationToken)
    {
        _telemetry.DeserializationFailed(Settings.DeserializationFailurePolicy.ToString());
        switch (Settings.DeserializationFailurePolicy)
        {
            case DeserializationFailurePolicy.SkipAndLog:
                ProcessingLog.RecordSkipped(_logger, failure, Settings.HandlerName, Shard.StreamName, Shard.ShardId, record.Position.ToString());
                return (false, default!);
            case DeserializationFailurePolicy.FailureHandler:
                var handler = services.GetService<IDeserializationFailureHandler>()
                    ?? throw new InvalidOperationException(
                        $"Handler {Settings.HandlerName} sends records that fail to deserialize to an IDeserializationFailureHandler, but none is registered; the shard stops at record {record.Position}.",
                        failure);
                ProcessingLog.RecordHandedToFailureHandler(_logger, failure, Settings.HandlerName, Shard.StreamName, Shard.ShardId, record.Position.ToString());
                await handler.HandleAsync(new DeserializationFailure(Settings.HandlerName, new RecordContext(Shard, record), failure), cancellationToken).ConfigureAwait(false);
                return (false, default!);
            default:
                throw failure;
        }
    }

    /// <summary>
    /// Records that everything up to <paramref name="position"/> is done (handled, or skipped by the failure policy),
    /// and checkpoints when the mode says so. <paramref name="endOfBatch"/> tells the batch mode its moment has come.
    /// </summary>
    private protected ValueTask CompletedAsync(IRecordProcessorCheckpointer checkpointer, ExtendedSequenceNumber position, int records, bool endOfBatch, CancellationToken cancellationToken)
    {
        _lastProcessed = position;
        _sinceCheckpoint += records;
        _telemetry.Unblocked();
        var due = Settings.CheckpointMode switch
        {
            CheckpointMode.AfterEachBatch => endOfBatch,
            CheckpointMode.Periodic => (Settings.CheckpointEveryRecords > 0 && _sinceCheckpoint >= Settings.CheckpointEveryRecords)
                || (Settings.CheckpointInterval > TimeSpan.Zero && _time.GetElapsedTime(_lastCheckpointTimestamp) >= Settings.CheckpointInterval),
            _ => false,
        };
        // Not async either: on most records no checkpoint is due and this completes at once.
        return due ? CheckpointAsync(checkpointer, position, cancellationToken) : default;
    }

    /// <summary>
    /// A read returned nothing: in periodic mode with a time limit, what was handled since the last checkpoint is
    /// checkpointed once the limit has passed, so a shard that goes quiet does not keep its last records unsaved until
    /// the next record arrives (which would redeliver them after a deploy or failover).
    /// </summary>
    ValueTask IIdleShardProcessor.IdleAsync(IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken) =>
        Settings.CheckpointMode == CheckpointMode.Periodic
        && Settings.CheckpointInterval > TimeSpan.Zero
        && _sinceCheckpoint > 0
        && _lastProcessed is { } last
        && _time.GetElapsedTime(_lastCheckpointTimestamp) >= Settings.CheckpointInterval
            ? CheckpointAsync(checkpointer, last, cancellationToken)
            : default;

    /// <summary>Whether the record is older than <see cref="HandlerSettings.MaxRecordAge"/> (records without an arrival time never are).</summary>
    private protected bool IsTooOld(KinesisClientRecord record) =>
        Settings.MaxRecordAge > TimeSpan.Zero
        && record.ApproximateArrivalTimestamp is { } arrived
        && _time.GetUtcNow() - arrived > Settings.MaxRecordAge;

    /// <summary>Whether a record (or range) that failed <paramref name="failures"/> times has used up its retries.</summary>
    private protected bool RetriesExhausted(int failures) => Settings.MaxRetryAttempts >= 0 && failures > Settings.MaxRetryAttempts;

    /// <summary>Logs a failure that will be retried in place (or given up on).</summary>
    private protected void LogFailure(Exception exception, KinesisClientRecord first, int count, int failures)
    {
        _telemetry.Failed();
        ProcessingLog.HandlerAttemptFailed(_logger, exception, Settings.HandlerName, Shard.StreamName, Shard.ShardId, first.Position.ToString(), count, failures, Settings.MaxRetryAttempts);
    }

    /// <summary>Logs that a failed batch is split in halves.</summary>
    private protected void LogBisecting(KinesisClientRecord first, int count)
    {
        _telemetry.Bisected();
        ProcessingLog.Bisecting(_logger, Settings.HandlerName, Shard.StreamName, Shard.ShardId, first.Position.ToString(), count);
    }

    /// <summary>
    /// Waits before retry number <paramref name="failures"/>: <see cref="HandlerSettings.RetryDelay"/> doubled per
    /// earlier retry, capped at <see cref="HandlerSettings.MaxRetryDelay"/>, less up to a fifth at random so shards that
    /// fail together do not retry in step. Returns false when a graceful stop was requested (the caller gives up the
    /// batch: the failed record is delivered again later); throws when <paramref name="cancellationToken"/> (hard stop,
    /// lost lease) is cancelled.
    /// </summary>
    private protected async ValueTask<bool> WaitBeforeRetryAsync(int failures, ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        if (input.StopRequested.IsCancellationRequested)
        {
            return false;
        }

        _telemetry.Retrying();
        using var activity = KinesisAttribActivities.StartChild("retry");
        activity?.SetTag(TelemetryNames.Attempt, failures + 1);
        var delay = new Backoff(Settings.RetryDelay, Settings.MaxRetryDelay, jitter: 0.2).Delay(failures);
        if (delay <= TimeSpan.Zero)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return true;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, input.StopRequested);
        try
        {
            await Task.Delay(delay, _time, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Gives up on a record: sends it to the on-failure destination, retrying the write (with the retry backoff) until
    /// the destination accepts it. Only then may the caller count the record as done and checkpoint past it. A stop
    /// while the write keeps failing throws, so the record is delivered again later.
    /// </summary>
    private protected async ValueTask SendToDestinationAsync(KinesisClientRecord record, FailureReason reason, Exception? error, int attempts, ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        var destination = _destination ?? throw new InvalidOperationException(
            $"Handler {Settings.HandlerName} gave up on record {record.Position} of {Shard.StreamName}/{Shard.ShardId} but has no on-failure destination; the shard stops here.",
            error);
        var failed = new FailedRecord
        {
            ApplicationName = Shard.ApplicationName,
            StreamName = Shard.StreamName,
            ShardId = Shard.ShardId,
            HandlerName = Settings.HandlerName,
            Record = record,
            Reason = reason,
            Attempts = attempts,
            ErrorType = error?.GetType().FullName,
            ErrorMessage = error?.Message ?? $"The record arrived at {record.ApproximateArrivalTimestamp:O}, more than {Settings.MaxRecordAge} before it was read.",
            Exception = error,
            FailedAt = _time.GetUtcNow(),
        };

        for (var writeFailures = 1; ; writeFailures++)
        {
            using var activity = KinesisAttribActivities.StartChild("send to destination");
            activity?.SetTag(TelemetryNames.FailureReason, reason.ToString());
            activity?.SetTag(TelemetryNames.Checkpoint, record.Position.ToString());
            try
            {
                await destination.SendAsync(failed, cancellationToken).ConfigureAwait(false);
                KinesisAttribActivities.Succeeded(activity);
                _telemetry.SentToDestination(reason.ToString());
                ProcessingLog.SentToDestination(_logger, error, Settings.HandlerName, Shard.StreamName, Shard.ShardId, record.Position.ToString(), reason.ToString(), attempts);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !KinesisAttribActivities.Failed(activity, ex))
            {
                ProcessingLog.DestinationFailed(_logger, ex, Settings.HandlerName, Shard.StreamName, Shard.ShardId, record.Position.ToString(), writeFailures);
                if (!await WaitBeforeRetryAsync(writeFailures, input, cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException(
                        $"Handler {Settings.HandlerName}: the on-failure destination did not accept record {record.Position} of {Shard.StreamName}/{Shard.ShardId} before the worker stopped; it will be delivered again.",
                        ex);
                }
            }
        }
    }

    /// <summary>
    /// After a failure: keeps the work that succeeded, up to <paramref name="prefix"/> in this batch or, without one,
    /// what earlier batches completed but the mode had not checkpointed yet (periodic mode), so only the failed record
    /// and what follows are delivered again. Nothing is written in manual mode (the handler decides).
    /// </summary>
    private protected async ValueTask CheckpointPrefixAsync(IRecordProcessorCheckpointer checkpointer, ExtendedSequenceNumber? prefix)
    {
        if ((prefix ?? _lastProcessed) is { } done && Settings.CheckpointMode != CheckpointMode.Manual)
        {
            _lastProcessed = done;
            await CheckpointAsync(checkpointer, done, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask CheckpointAsync(IRecordProcessorCheckpointer checkpointer, ExtendedSequenceNumber position, CancellationToken cancellationToken)
    {
        if (ExtendedSequenceNumber.Compare(position, checkpointer.LastCheckpoint) > 0 || checkpointer.LastCheckpoint.IsSentinel)
        {
            await checkpointer.CheckpointAsync(position.SequenceNumber, position.SubSequenceNumber, cancellationToken).ConfigureAwait(false);
        }

        _sinceCheckpoint = 0;
        _lastCheckpointTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken)
    {
        // Even in manual mode: every record of the shard was delivered and handled, and the children wait for this.
        ArgumentNullException.ThrowIfNull(input);
        return input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Settings.CheckpointMode != CheckpointMode.Manual
            && _lastProcessed is { } last
            && (input.Checkpointer.LastCheckpoint.IsSentinel || ExtendedSequenceNumber.Compare(last, input.Checkpointer.LastCheckpoint) > 0))
        {
            await input.Checkpointer.CheckpointAsync(last.SequenceNumber, last.SubSequenceNumber, cancellationToken).ConfigureAwait(false);
        }
    }
}
