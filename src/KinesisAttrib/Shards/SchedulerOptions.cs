using KinesisAttrib.Leases;

namespace KinesisAttrib.Shards;

/// <summary>
/// The validated timings and limits one <see cref="Scheduler"/> runs with. Made by the host from its options
/// (<c>KinesisAttribOptions</c> converts to it, so a scheduler run by hand takes those options as they are); the
/// scheduler passes its pieces on to the lease coordinator and the shard consumers.
/// </summary>
public sealed class SchedulerOptions
{
    internal SchedulerOptions(string workerId, LeaseSettings leases, ShardConsumerOptions consumer, TimeSpan shardSyncInterval, TimeSpan leaseCleanupInterval, TimeSpan completedLeaseRetention)
    {
        WorkerId = workerId;
        Leases = leases;
        Consumer = consumer;
        ShardSyncInterval = shardSyncInterval;
        LeaseCleanupInterval = leaseCleanupInterval;
        CompletedLeaseRetention = completedLeaseRetention;
    }

    /// <summary>This worker's id, stored as lease owner.</summary>
    internal string WorkerId { get; }

    internal LeaseSettings Leases { get; }

    internal ShardConsumerOptions Consumer { get; }

    internal TimeSpan ShardSyncInterval { get; }

    internal TimeSpan LeaseCleanupInterval { get; }

    internal TimeSpan CompletedLeaseRetention { get; }

    /// <summary>How long start-up retries transient failures of Kinesis or the lease table before it gives up.</summary>
    internal TimeSpan StartupRetryTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether per-shard instruments carry the shard id.</summary>
    internal bool MetricsIncludeShardId { get; init; } = true;

    /// <summary>How often the lease table is scanned for leases to take.</summary>
    internal TimeSpan TakerInterval => Leases.TakerInterval ?? Leases.FailoverTime;
}
