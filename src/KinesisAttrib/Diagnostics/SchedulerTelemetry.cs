using System.Collections.Concurrent;

namespace KinesisAttrib.Diagnostics;

/// <summary>
/// What one scheduler (application, stream, worker) reports to the meter: its attributes, built once, its shards'
/// <see cref="ShardTelemetry"/>, its lease counts (read by the gauges through <see cref="LeaseCounts"/>) and the
/// times the lease table and the stream last answered (read by the health checks).
/// </summary>
internal sealed class SchedulerTelemetry
{
    private readonly TimeProvider _time;
    private long _leaseTableAnsweredAt;
    private long _leaseTableFailedAt;
    private long _streamAnsweredAt;
    private long _streamFailedAt;
    private int _state;

    public SchedulerTelemetry(string application, string stream, string workerId, bool includeShard, TimeProvider? time = null)
    {
        Application = application;
        Stream = stream;
        WorkerId = workerId;
        IncludeShard = includeShard;
        _time = time ?? TimeProvider.System;
        Tags =
        [
            new(TelemetryNames.MessagingSystem, TelemetryNames.MessagingSystemValue),
            new(TelemetryNames.Stream, stream),
            new(TelemetryNames.Application, application),
            new(TelemetryNames.Worker, workerId),
        ];
        var started = _time.GetTimestamp();
        _leaseTableAnsweredAt = started;
        _streamAnsweredAt = started;
    }

    public string Application { get; }

    public string Stream { get; }

    public string WorkerId { get; }

    /// <summary>False when the shard attribute is turned off: per-shard instruments then carry these attributes only.</summary>
    public bool IncludeShard { get; }

    public TimeProvider Time => _time;

    /// <summary>messaging.system, stream, application and worker.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    private readonly ConcurrentDictionary<string, ShardTelemetry> _shards = new(StringComparer.Ordinal);

    /// <summary>The shards being consumed now.</summary>
    public ICollection<ShardTelemetry> Shards => _shards.Values;

    /// <summary>Reads the held and suspended lease counts; set by the scheduler.</summary>
    public Func<(int Held, int Suspended)>? LeaseCounts { get; set; }

    public int LeasesHeld => LeaseCounts?.Invoke().Held ?? 0;

    public int LeasesSuspended => LeaseCounts?.Invoke().Suspended ?? 0;

    /// <summary>Where the scheduler's run is: starting, running (its main loop), stopped (the health checks).</summary>
    public SchedulerState State
    {
        get => (SchedulerState)Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, (int)value);
    }

    /// <summary>The scheduler's failover time: the default for how long a service may fail before readiness is lost.</summary>
    public TimeSpan FailoverTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the lease table has been failing: the time since its last answer when a request failed after it,
    /// otherwise zero (a table not asked for a while is not judged unreachable).
    /// </summary>
    public TimeSpan LeaseTableFailingFor => FailingFor(ref _leaseTableAnsweredAt, ref _leaseTableFailedAt);

    /// <summary>How long the stream has been failing (shard listing, reads), as <see cref="LeaseTableFailingFor"/>.</summary>
    public TimeSpan StreamFailingFor => FailingFor(ref _streamAnsweredAt, ref _streamFailedAt);

    public void LeaseTableAnswered() => Volatile.Write(ref _leaseTableAnsweredAt, _time.GetTimestamp());

    public void LeaseTableFailed() => Volatile.Write(ref _leaseTableFailedAt, _time.GetTimestamp());

    public void StreamAnswered() => Volatile.Write(ref _streamAnsweredAt, _time.GetTimestamp());

    public void StreamFailed() => Volatile.Write(ref _streamFailedAt, _time.GetTimestamp());

    private TimeSpan FailingFor(ref long answeredAt, ref long failedAt)
    {
        var answered = Volatile.Read(ref answeredAt);
        return Volatile.Read(ref failedAt) > answered ? _time.GetElapsedTime(answered) : TimeSpan.Zero;
    }

    /// <summary>Starts reporting a shard (its consumer started).</summary>
    public ShardTelemetry StartShard(string shardId)
    {
        var shard = new ShardTelemetry(this, shardId);
        _shards[shardId] = shard;
        return shard;
    }

    /// <summary>Stops reporting a shard (its consumer stopped); a newer consumer of the same shard stays.</summary>
    public void StopShard(ShardTelemetry shard) => _shards.TryRemove(KeyValuePair.Create(shard.ShardId, shard));

    /// <summary>Counts a lease transition: taken, stolen, handed_off, lost, suspended, resumed.</summary>
    public void LeaseTransition(string transition) => Count(KinesisAttribMetrics.LeaseTransitions, TelemetryNames.LeaseTransition, transition);

    /// <summary>Counts a renewal: success, refused (the lease was lost), failed (no answer).</summary>
    public void Renewal(string outcome) => Count(KinesisAttribMetrics.LeaseRenewals, TelemetryNames.Outcome, outcome);

    /// <summary>Counts a checkpoint write: success, refused, failed.</summary>
    public void Checkpoint(string outcome) => Count(KinesisAttribMetrics.Checkpoints, TelemetryNames.Outcome, outcome);

    private void Count(System.Diagnostics.Metrics.Counter<long> counter, string name, string value)
    {
        if (!counter.Enabled)
        {
            return;
        }

        Span<KeyValuePair<string, object?>> tags = [Tags[0], Tags[1], Tags[2], Tags[3], new(name, value)];
        counter.Add(1, tags);
    }
}
