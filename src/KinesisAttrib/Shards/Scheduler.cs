using KinesisAttrib.Common;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Retrieval;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Shards;

/// <summary>
/// Runs one application on one stream in this worker (the KCL's Scheduler): keeps the lease table in step with
/// the stream's shards, takes and renews leases, and runs one <see cref="IShardRecordProcessor"/> per held lease
/// whose parents are finished. <see cref="RunAsync"/> returns after a graceful stop: each processor finishes the
/// batch in hand, is asked to checkpoint, and its lease is released so another worker can continue at once.
/// </summary>
public sealed class Scheduler
{
    private readonly string _applicationName;
    private readonly InitialPosition _initialPosition;
    private readonly string _streamName;
    private readonly Func<IShardRecordProcessor> _processorFactory;
    private readonly IKinesisClient _kinesis;
    private readonly InstrumentedLeaseStore _leaseStore;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseCoordinator _coordinator;
    private readonly ShardSyncer _syncer;
    private readonly LeaseCleaner _cleaner;
    private readonly LeaseKeys _keys;
    private readonly SchedulerTelemetry _telemetry;
    private readonly Dictionary<string, RunningConsumer> _consumers = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fatal;
    private IRecordsPublisherFactory? _publishers;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="applicationName">The application (consumer) name.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="initialPosition">Where shards without a checkpoint start.</param>
    /// <param name="processorFactory">Makes one processor per shard.</param>
    /// <param name="kinesis">The Kinesis API.</param>
    /// <param name="leaseStore">The application's lease table.</param>
    /// <param name="options">Timings and limits (a <c>KinesisAttribOptions</c> converts to them, validated).</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="initialTimestamp">Where shards without a checkpoint start when <paramref name="initialPosition"/> is <see cref="InitialPosition.AtTimestamp"/>.</param>
    /// <param name="multiStreamLeaseKeys">
    /// True when the application consumes more than one stream through <paramref name="leaseStore"/>: lease keys become
    /// <c>{streamName}:{shardId}</c> and this scheduler only considers its stream's leases. False (the default) keeps
    /// bare shard ids, the KCL single-stream schema.
    /// </param>
    public Scheduler(
        string applicationName,
        string streamName,
        InitialPosition initialPosition,
        Func<IShardRecordProcessor> processorFactory,
        IKinesisClient kinesis,
        ILeaseStore leaseStore,
        SchedulerOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        DateTimeOffset? initialTimestamp = null,
        bool multiStreamLeaseKeys = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationName);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentNullException.ThrowIfNull(processorFactory);
        ArgumentNullException.ThrowIfNull(kinesis);
        ArgumentNullException.ThrowIfNull(leaseStore);
        ArgumentNullException.ThrowIfNull(options);
        if (initialPosition == InitialPosition.AtTimestamp && initialTimestamp is null)
        {
            throw new ArgumentException($"Initial position AtTimestamp for stream '{streamName}' needs an initial timestamp.", nameof(initialTimestamp));
        }

        _applicationName = applicationName;
        InitialTimestamp = initialTimestamp;
        _streamName = streamName;
        _processorFactory = processorFactory;
        _kinesis = kinesis;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("KinesisAttrib.Scheduler");
        _keys = multiStreamLeaseKeys ? LeaseKeys.ForStream(streamName) : LeaseKeys.SingleStream;
        _telemetry = new SchedulerTelemetry(applicationName, streamName, options.WorkerId, options.MetricsIncludeShardId, _time) { FailoverTime = options.Leases.FailoverTime };

        // Every lease-table request of this scheduler is timed, and its answers tell the readiness check the table is reachable.
        _leaseStore = new InstrumentedLeaseStore(leaseStore, _telemetry, _time);
        _coordinator = new LeaseCoordinator(_leaseStore, options.WorkerId, options.Leases, _time, _logger, _keys, _telemetry);
        _telemetry.LeaseCounts = _coordinator.LeaseCounts;
        _syncer = new ShardSyncer(kinesis, _leaseStore, streamName, initialPosition, _keys, _logger);
        _initialPosition = initialPosition;
        _cleaner = new LeaseCleaner(_leaseStore, _keys, options.CompletedLeaseRetention, _time, _logger);
    }

    /// <summary>The application name.</summary>
    public string ApplicationName => _applicationName;

    /// <summary>The read-ahead budget this scheduler's shards share with the worker's other schedulers; null for one of its own.</summary>
    internal ReadAheadBudget? ReadAheadBudget { get; init; }

    /// <summary>How this scheduler reads its shards, once it started (for tests: the fan-out consumer's ARN).</summary>
    internal IRecordsPublisherFactory? Publishers => _publishers;

    /// <summary>The stream.</summary>
    public string StreamName => _streamName;

    /// <summary>Where shards without a checkpoint start when the initial position is <see cref="InitialPosition.AtTimestamp"/>.</summary>
    public DateTimeOffset? InitialTimestamp { get; }

    /// <summary>The shards this worker is processing now.</summary>
    public IReadOnlyCollection<string> ActiveShards
    {
        get
        {
            lock (_consumers)
            {
                return [.. _consumers.Keys.Select(_keys.ShardIdOf)];
            }
        }
    }

    /// <summary>The shards whose leases this worker holds now (including those waiting for their parents to finish).</summary>
    public IReadOnlyCollection<string> HeldShards => [.. _coordinator.HeldLeases.Where(h => !h.IsLost).Select(h => _keys.ShardIdOf(h.LeaseKey))];

    /// <summary>What this scheduler reports to the meter and the health checks.</summary>
    internal SchedulerTelemetry Telemetry => _telemetry;

    /// <summary>True when lease keys carry the stream name (<c>{streamName}:{shardId}</c>).</summary>
    public bool UsesMultiStreamLeaseKeys => _keys.IsMultiStream;

    /// <summary>
    /// Runs until <paramref name="stopping"/> fires (graceful stop, returns normally) or <paramref name="aborted"/>
    /// fires (hard stop). Transient failures at start are retried for the options' <c>StartupRetryTime</c>; an
    /// unrecoverable error (a missing stream, access denied, an unreachable lease table, a lease table of another
    /// stream) throws an <see cref="InvalidOperationException"/> naming the service, the application and the stream.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken aborted = default)
    {
        using var loopCts = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);

        using var scope = ShardsLog.SchedulerScope(_logger, _applicationName, _streamName, _options.WorkerId);
        using var registration = KinesisAttribMetrics.Register(_telemetry);
        try
        {
            await StartAsync(loopCts.Token).ConfigureAwait(false);
            _telemetry.StreamAnswered();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // Stopped before it started: nothing is held, nothing to hand over.
            _telemetry.State = SchedulerState.Stopped;
            return;
        }
        catch
        {
            _telemetry.State = SchedulerState.Stopped;
            throw;
        }

        ShardsLog.SchedulerStarted(
            _logger,
            _applicationName,
            _streamName,
            _options.WorkerId,
            _leaseStore.Inner is DynamoDbLeaseStore dynamo ? dynamo.TableName : _leaseStore.Inner.GetType().Name,
            _options.Consumer.Retrieval switch
            {
                { Mode: RetrievalMode.FanOut } => "enhanced fan-out",
                { ReadAhead.Enabled: true } r => $"polling, reading ahead up to {r.ReadAhead.MaxBatches} batches",
                _ => "polling",
            },
            _initialPosition.ToString(),
            _options.Leases.FailoverTime.TotalSeconds,
            _options.TakerInterval.TotalSeconds,
            _options.Consumer.MaxRecords,
            _options.Consumer.IdleTimeBetweenReads.TotalMilliseconds);

        // A fatal error stops the consumers as a graceful stop does (finish the batch, checkpoint, release) before
        // RunAsync throws it.
        using var consumersStopping = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        // Renewals go on until the consumers have stopped: a graceful stop lets each finish its batch and checkpoint,
        // which can take longer than the failover time, and the leases must not expire meanwhile.
        using var renewCts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var renewer = RenewLoopAsync(renewCts.Token);
        var lastSync = _time.GetTimestamp();
        var lastCleanup = lastSync;
        FailureStreak? coordinationFailures = null;
        _telemetry.State = SchedulerState.Running;
        try
        {
            while (!loopCts.IsCancellationRequested)
            {
                if (Volatile.Read(ref _fatal) is { } fatal)
                {
                    await consumersStopping.CancelAsync().ConfigureAwait(false);
                    throw Fatal(fatal, transient: false, gaveUpAfter: null);
                }

                try
                {
                    if (_time.GetElapsedTime(lastSync) >= _options.ShardSyncInterval)
                    {
                        await _syncer.SyncAsync(loopCts.Token).ConfigureAwait(false);
                        _telemetry.StreamAnswered();
                        lastSync = _time.GetTimestamp();
                    }

                    await _coordinator.TakeLeasesAsync(loopCts.Token).ConfigureAwait(false);
                    await StartConsumersAsync(consumersStopping.Token, aborted, loopCts.Token).ConfigureAwait(false);
                    if (_time.GetElapsedTime(lastCleanup) >= _options.LeaseCleanupInterval)
                    {
                        await _cleaner.CleanUpAsync(_coordinator.LastScan, loopCts.Token).ConfigureAwait(false);
                        lastCleanup = _time.GetTimestamp();
                    }
                }
                catch (OperationCanceledException) when (loopCts.IsCancellationRequested)
                {
                    // Stopped while a sync, take or cleanup was in flight: a graceful stop still returns normally.
                    break;
                }
                catch (LeaseTableStreamMismatchException ex)
                {
                    // Another stream's leases appeared in the table while running: as fatal as at start.
                    Volatile.Write(ref _fatal, ex);
                    continue;
                }
                catch (Exception ex) when (ServiceErrors.IsTransient(ex, loopCts.Token))
                {
                    if (ex is KinesisException)
                    {
                        _telemetry.StreamFailed();
                    }

                    // An outage: one line when it starts, one when it ends (the next cycle that works).
                    coordinationFailures ??= new FailureStreak(_logger, _time, ServiceErrors.ServiceOf(ex), "lease coordination (shard sync, lease scan)", $"application '{_applicationName}', stream '{_streamName}', worker '{_options.WorkerId}'");
                    coordinationFailures.Failed(ex);
                    await WaitAsync(_options.TakerInterval, loopCts.Token).ConfigureAwait(false);
                    continue;
                }
                catch (Exception ex) when (!loopCts.IsCancellationRequested)
                {
                    ShardsLog.LeaseCoordinationFailed(_logger, ex, _applicationName);
                }

                coordinationFailures?.Succeeded();

                await WaitAsync(_options.TakerInterval, loopCts.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _telemetry.State = SchedulerState.Stopped;
            try
            {
                await StopConsumersAsync().ConfigureAwait(false);
                await ReleaseUnstartedAsync(aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // A hard stop cancels the consumers; the renewer still has to be awaited.
            }
            finally
            {
                await renewCts.CancelAsync().ConfigureAwait(false);
                await renewer.ConfigureAwait(false);
            }

            ShardsLog.SchedulerStopped(_logger, _applicationName, _streamName);
        }

        aborted.ThrowIfCancellationRequested();
    }

    // Creates the lease table if needed and syncs the shards once. Transient failures (unreachable, throttled, 5xx) are
    // retried for StartupRetryTime, logged once as a warning; anything else, or running out of time, is fatal and
    // described for an operator (service, endpoint, application, stream).
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), jitter: 0.2);
        var started = _time.GetTimestamp();
        FailureStreak? failures = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _leaseStore.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
                await _syncer.SyncAsync(cancellationToken).ConfigureAwait(false);
                _publishers ??= await CreatePublishersAsync(cancellationToken).ConfigureAwait(false);
                failures?.Succeeded();
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var transient = ServiceErrors.IsTransient(ex, cancellationToken);
                var elapsed = _time.GetElapsedTime(started);
                var remaining = _options.StartupRetryTime - elapsed;
                if (!transient || remaining <= TimeSpan.Zero)
                {
                    throw Fatal(ex, transient, transient ? elapsed : null);
                }

                failures ??= new FailureStreak(_logger, _time, ServiceErrors.ServiceOf(ex), $"start-up (lease table, shard sync; retried for up to {_options.StartupRetryTime.TotalSeconds:0} s)", $"application '{_applicationName}', stream '{_streamName}'");
                failures.Failed(StartupFailure.Describe(ex, _applicationName, _streamName, _kinesis, _leaseStore.Inner, transient: true, gaveUpAfter: null));
                var delay = backoff.Delay(attempt);
                await Task.Delay(delay < remaining ? delay : remaining, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Polling needs nothing at start; fan-out needs the application's registered consumer, ACTIVE.
    private async Task<IRecordsPublisherFactory> CreatePublishersAsync(CancellationToken cancellationToken)
    {
        var retrieval = _options.Consumer.Retrieval;
        if (retrieval.Mode != RetrievalMode.FanOut)
        {
            return new PollingRecordsPublisherFactory(_kinesis, retrieval, _time, InitialTimestamp, _logger, ReadAheadBudget);
        }

        var consumerArn = await FanOutConsumerRegistration.EnsureActiveAsync(
            _kinesis, _streamName, retrieval.ConsumerName ?? _applicationName, retrieval.ConsumerArn, retrieval.ConsumerActivationTimeout, _time, _logger, cancellationToken).ConfigureAwait(false);
        RetrievalLog.FanOutConsumerReady(_logger, _applicationName, _streamName, consumerArn);
        return new FanOutRecordsPublisherFactory(_kinesis, consumerArn, retrieval, _time, InitialTimestamp, _logger);
    }

    private DescribedFailureException Fatal(Exception exception, bool transient, TimeSpan? gaveUpAfter) =>
        StartupFailure.Describe(exception, _applicationName, _streamName, _kinesis, _leaseStore.Inner, transient, gaveUpAfter);

    private async Task StartConsumersAsync(CancellationToken stopping, CancellationToken aborted, CancellationToken cancellationToken)
    {
        foreach (var held in _coordinator.HeldLeases)
        {
            lock (_consumers)
            {
                if (_consumers.ContainsKey(held.LeaseKey))
                {
                    continue;
                }
            }

            if (held.IsHandoffRequested)
            {
                // Not started yet (its parents are unfinished): nothing to checkpoint, hand it over at once.
                await _coordinator.ReleaseAsync(held, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!ParentsFinished(held.Current) || !_coordinator.CanStart(held))
            {
                continue;
            }

            var shard = new ShardContext(_applicationName, _streamName, _keys.ShardIdOf(held.LeaseKey), _options.WorkerId);
            var consumer = new ShardConsumer(shard, held, _coordinator, _processorFactory(), _kinesis, _options.Consumer, _time, _logger, InitialTimestamp, _publishers)
            {
                Telemetry = _telemetry.StartShard(shard.ShardId),
            };
            var running = new RunningConsumer(held, consumer);
            lock (_consumers)
            {
                _consumers[held.LeaseKey] = running;
            }

            running.Task = RunConsumerAsync(running, stopping, aborted);
        }
    }

    private async Task RunConsumerAsync(RunningConsumer running, CancellationToken stopping, CancellationToken aborted)
    {
        await Task.Yield();
        try
        {
            var outcome = await running.Consumer.RunAsync(stopping, aborted).ConfigureAwait(false);
            if (outcome is ConsumerOutcome.ShardEnded or ConsumerOutcome.ShutDown)
            {
                // Give the lease back: a finished shard needs no owner, and on shutdown a successor starts at once.
                await ReleaseAsync(running.Lease, aborted).ConfigureAwait(false);
            }

            if (outcome == ConsumerOutcome.ShardEnded)
            {
                // Children of the ended shard may be startable now: create their leases from GetRecords' ChildShards
                // (real Kinesis) and sync with ListShards (emulators report no ChildShards) without waiting.
                if (running.Consumer.ChildShards is { Count: > 0 } children)
                {
                    await _syncer.CreateChildLeasesAsync(_keys.ShardIdOf(running.Lease.LeaseKey), children, aborted).ConfigureAwait(false);
                }

                await _syncer.SyncAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            if (ex is CheckpointNotInStreamException)
            {
                // Not transient: retaking the lease would fail the same way at every taker cycle. Stop the scheduler.
                Interlocked.CompareExchange(ref _fatal, ex, null);
            }

            ShardsLog.ProcessingFailed(_logger, ex, _applicationName, _streamName, running.Lease.LeaseKey, running.Lease.Current.Checkpoint.ToString());
            await ReleaseAsync(running.Lease, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (_consumers)
            {
                _consumers.Remove(running.Lease.LeaseKey);
            }

            _telemetry.StopShard(running.Consumer.Telemetry);
            Volatile.Read(ref _wake).TrySetResult();
        }
    }

    // Judged from the taker's scan of this cycle (no extra reads): a child starts only when every parent lease is at
    // SHARD_END or gone (cleaned up after finishing). Both parents of a merge count.
    private bool ParentsFinished(Lease lease)
    {
        if (lease.ParentShardIds.Count == 0)
        {
            return true;
        }

        var scan = _coordinator.LastScan;
        foreach (var parentShard in lease.ParentShardIds)
        {
            var parentKey = _keys.LeaseKeyOf(parentShard);
            var parent = scan.FirstOrDefault(l => l.LeaseKey == parentKey);
            if (parent is not null && !parent.Checkpoint.IsShardEnd)
            {
                return false;
            }
        }

        return true;
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        // Ticks every retry interval and starts a pass without waiting for the previous one: a slow or hung renewal
        // must not delay the other leases' renewals or their self-fence (a lease in flight is skipped by later passes).
        var passes = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_coordinator.Settings.RetryInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                passes.RemoveAll(p => p.IsCompleted);
                passes.Add(RenewPassAsync(cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(passes).ConfigureAwait(false);
        }
    }

    private async Task RenewPassAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _coordinator.RenewLeasesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            ShardsLog.LeaseCoordinationFailed(_logger, ex, _applicationName);
        }
    }

    // A release that fails is not retried: the lease expires on its own after the failover time, and a faulted
    // consumer task would make the whole graceful stop throw. An outage is one line; anything else is unexpected.
    private async Task ReleaseAsync(HeldLease held, CancellationToken cancellationToken)
    {
        try
        {
            await _coordinator.ReleaseAsync(held, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceErrors.IsTransient(ex, cancellationToken))
        {
            ShardsLog.ReleaseFailed(_logger, held.LeaseKey, _applicationName, FailureStreak.Describe(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ShardsLog.LeaseCoordinationFailed(_logger, ex, _applicationName);
        }
    }

    // On a graceful stop, leases held without a consumer (waiting for their parents, or a stolen one's start delay)
    // are given back too, so a successor takes them at its next cycle instead of after the failover time.
    private async Task ReleaseUnstartedAsync(CancellationToken aborted)
    {
        foreach (var held in _coordinator.HeldLeases.ToList())
        {
            await ReleaseAsync(held, aborted).ConfigureAwait(false);
        }
    }

    private async Task StopConsumersAsync()
    {
        Task[] running;
        lock (_consumers)
        {
            running = [.. _consumers.Values.Select(c => c.Task)];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        // Sleeps for the taker interval, or less when a consumer finished (its children may be startable now).
        var wake = Volatile.Read(ref _wake);
        try
        {
            await wake.Task.WaitAsync(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (wake.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
        }
    }

    private sealed class RunningConsumer(HeldLease lease, ShardConsumer consumer)
    {
        public HeldLease Lease { get; } = lease;

        public ShardConsumer Consumer { get; } = consumer;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
