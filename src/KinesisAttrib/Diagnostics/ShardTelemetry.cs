namespace KinesisAttrib.Diagnostics;

/// <summary>
/// What one shard's consumer and processor report: counts and durations go straight to the instruments with the
/// attribute list built here once (checked with <c>Enabled</c> first, no allocation per batch or record); lag, record
/// age and the time blocked on one record are fields the gauges and the health checks read.
/// </summary>
internal sealed class ShardTelemetry
{
    private readonly TimeProvider _time;
    private long _lagMs = -1;
    private long _recordAgeMs = -1;
    private long _blockedSince;

    public ShardTelemetry(SchedulerTelemetry scheduler, string shardId)
    {
        Scheduler = scheduler;
        ShardId = shardId;
        _time = scheduler.Time;
        Tags = scheduler.IncludeShard ? [.. scheduler.Tags, new(TelemetryNames.Shard, shardId)] : scheduler.Tags;
    }

    private ShardTelemetry()
    {
        Scheduler = null;
        ShardId = string.Empty;
        _time = TimeProvider.System;
        Tags = [];
    }

    /// <summary>Reports nothing: a processor run without a scheduler (a test, a processor called by hand).</summary>
    public static ShardTelemetry None { get; } = new();

    public SchedulerTelemetry? Scheduler { get; }

    public string ShardId { get; }

    /// <summary>The scheduler's attributes and, unless turned off, the shard's.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    private bool Reports => Scheduler is not null;

    /// <summary>MillisBehindLatest of the last read, or null before the first read that said.</summary>
    public long? LagMilliseconds => Volatile.Read(ref _lagMs) is >= 0 and var lag ? lag : null;

    /// <summary>The age of the last record processed when its batch completed, or null before the first.</summary>
    public long? LastRecordAgeMilliseconds => Volatile.Read(ref _recordAgeMs) is >= 0 and var age ? age : null;

    /// <summary>How long the shard has been held up by one failing record (zero when it is not).</summary>
    public TimeSpan BlockedFor => Volatile.Read(ref _blockedSince) is var since and not 0 ? _time.GetElapsedTime(since) : TimeSpan.Zero;

    /// <summary>A read answered: records the shard's lag (when the service said) and that the stream answered.</summary>
    public void Read(long? millisBehindLatest)
    {
        if (millisBehindLatest is { } lag)
        {
            Volatile.Write(ref _lagMs, lag);
        }

        Scheduler?.StreamAnswered();
    }

    /// <summary>
    /// A batch handed to the processor failed: counted with <c>error.type</c>. Returns false, so that it can run as an
    /// exception filter that records the failure without catching it.
    /// </summary>
    public bool BatchFailed(int records, TimeSpan duration, Exception error)
    {
        BatchProcessed(records, duration, null, error);
        return false;
    }

    /// <summary>A batch was handed to the processor and completed (<paramref name="error"/> null) or failed.</summary>
    public void BatchProcessed(int records, TimeSpan duration, DateTimeOffset? lastArrival, Exception? error = null)
    {
        if (!Reports)
        {
            return;
        }

        if (error is null && lastArrival is { } arrived)
        {
            Volatile.Write(ref _recordAgeMs, Math.Max(0, (long)(_time.GetUtcNow() - arrived).TotalMilliseconds));
        }

        if (error is null)
        {
            if (KinesisAttribMetrics.ConsumedMessages.Enabled)
            {
                KinesisAttribMetrics.ConsumedMessages.Add(records, Tags);
            }

            if (KinesisAttribMetrics.ProcessDuration.Enabled)
            {
                KinesisAttribMetrics.ProcessDuration.Record(duration.TotalSeconds, Tags);
            }

            return;
        }

        // The failure path may allocate: the attribute list grows by the error's type.
        var tags = WithExtra(TelemetryNames.ErrorType, error.GetType().FullName);
        if (KinesisAttribMetrics.ConsumedMessages.Enabled)
        {
            KinesisAttribMetrics.ConsumedMessages.Add(records, tags);
        }

        if (KinesisAttribMetrics.ProcessDuration.Enabled)
        {
            KinesisAttribMetrics.ProcessDuration.Record(duration.TotalSeconds, tags);
        }
    }

    /// <summary>A record (or range) failed in the handler: the shard is blocked on it from now (if it was not already).</summary>
    public void Failed()
    {
        if (Reports)
        {
            Interlocked.CompareExchange(ref _blockedSince, _time.GetTimestamp(), 0);
        }
    }

    /// <summary>A failure is retried in place.</summary>
    public void Retrying()
    {
        if (Reports && KinesisAttribMetrics.HandlerRetries.Enabled)
        {
            KinesisAttribMetrics.HandlerRetries.Add(1, Tags);
        }
    }

    /// <summary>The failed record was handled, skipped or given up on: the shard moves again.</summary>
    public void Unblocked()
    {
        // Called per record: read first, so the common case (not blocked) writes nothing.
        if (Volatile.Read(ref _blockedSince) != 0)
        {
            Volatile.Write(ref _blockedSince, 0);
        }
    }

    public void Bisected()
    {
        if (Reports && KinesisAttribMetrics.Bisections.Enabled)
        {
            KinesisAttribMetrics.Bisections.Add(1, Tags);
        }
    }

    public void SentToDestination(string reason)
    {
        if (Reports && KinesisAttribMetrics.FailedRecords.Enabled)
        {
            KinesisAttribMetrics.FailedRecords.Add(1, WithExtra(TelemetryNames.FailureReason, reason));
        }
    }

    public void DeserializationFailed(string policy)
    {
        if (Reports && KinesisAttribMetrics.DeserializationFailures.Enabled)
        {
            KinesisAttribMetrics.DeserializationFailures.Add(1, WithExtra(TelemetryNames.DeserializationPolicy, policy));
        }
    }

    private KeyValuePair<string, object?>[] WithExtra(string name, object? value) => [.. Tags, new(name, value)];
}
