using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The shard area's log events (shard sync, shard consumers, schedulers), source-generated. Event ids 200–299; docs/logging.md lists them.</summary>
internal static partial class ShardsLog
{
    // Scopes: two applications on one stream log the same shards and leases; these tell their lines apart.
    private static readonly Func<ILogger, string, string, string, IDisposable?> s_schedulerScope =
        LoggerMessage.DefineScope<string, string, string>("application {ApplicationName}, stream {StreamName}, worker {WorkerId}");

    private static readonly Func<ILogger, string, IDisposable?> s_shardScope = LoggerMessage.DefineScope<string>("shard {ShardId}");

    /// <summary>The scope of everything a scheduler logs (its taker, renewer and consumers included).</summary>
    public static IDisposable? SchedulerScope(ILogger logger, string applicationName, string streamName, string workerId) => s_schedulerScope(logger, applicationName, streamName, workerId);

    /// <summary>The scope of everything logged while a shard is processed, inside its scheduler's scope.</summary>
    public static IDisposable? ShardScope(ILogger logger, string shardId) => s_shardScope(logger, shardId);

    // Shard sync.
    [LoggerMessage(201, LogLevel.Information, "Shard sync of stream {StreamName}: {ShardCount} shards, {CreatedCount} new leases")]
    public static partial void ShardsSynced(ILogger logger, string streamName, int shardCount, int createdCount);


    // Shard consumers.
    [LoggerMessage(210, LogLevel.Information, "Consumer of {StreamName}/{ShardId} (application {ApplicationName}) starting after {Checkpoint}")]
    public static partial void ConsumerStarting(ILogger logger, string applicationName, string streamName, string shardId, string checkpoint);

    [LoggerMessage(211, LogLevel.Error, "Processor of {StreamName}/{ShardId} (application {ApplicationName}) failed on a batch starting at {SequenceNumber}; its records will be delivered again")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string applicationName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(212, LogLevel.Warning, "Reading {StreamName}/{ShardId} (application {ApplicationName}) failed; retrying")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string applicationName, string streamName, string shardId);

    [LoggerMessage(213, LogLevel.Information, "Shard {StreamName}/{ShardId} (application {ApplicationName}) ended and is checkpointed at SHARD_END")]
    public static partial void ShardEnded(ILogger logger, string applicationName, string streamName, string shardId);

    [LoggerMessage(214, LogLevel.Error, "Processor of {StreamName}/{ShardId} (application {ApplicationName}) did not checkpoint at the end of the shard; its children cannot start. Retrying")]
    public static partial void ShardEndNotCheckpointed(ILogger logger, string applicationName, string streamName, string shardId);

    [LoggerMessage(215, LogLevel.Information, "Consumer of {StreamName}/{ShardId} (application {ApplicationName}) stopped ({Reason})")]
    public static partial void ConsumerStopped(ILogger logger, string applicationName, string streamName, string shardId, string reason);


    [LoggerMessage(217, LogLevel.Warning, "Processor of {StreamName}/{ShardId} (application {ApplicationName}) failed while the shard was quiet; its records stay as checkpointed and it gets another turn")]
    public static partial void IdleFailed(ILogger logger, Exception exception, string applicationName, string streamName, string shardId);

    [LoggerMessage(218, LogLevel.Warning, "Shard {StreamName}/{ShardId} (application {ApplicationName}) is no longer in the stream (it expired past the retention period before it was finished); its unread records are gone. Ending it so its children can start")]
    public static partial void ShardExpired(ILogger logger, Exception exception, string applicationName, string streamName, string shardId);

    // Schedulers.
    [LoggerMessage(219, LogLevel.Warning, "Processing of {StreamName}/{ShardId} (application {ApplicationName}) stopped mid-batch at {SequenceNumber}: its lease is suspended. What was not checkpointed comes again once it is ours again")]
    public static partial void BatchInterrupted(ILogger logger, string applicationName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(230, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} started as worker {WorkerId}: lease table {LeaseTable}, retrieval {RetrievalMode}, initial position {InitialPosition}, failover time {FailoverSeconds} s, taker interval {TakerSeconds} s, MaxRecords {MaxRecords}, idle time between reads {IdleMilliseconds} ms")]
    public static partial void SchedulerStarted(ILogger logger, string applicationName, string streamName, string workerId, string leaseTable, string retrievalMode, string initialPosition, double failoverSeconds, double takerSeconds, int maxRecords, double idleMilliseconds);

    [LoggerMessage(231, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} stopped")]
    public static partial void SchedulerStopped(ILogger logger, string applicationName, string streamName);

    [LoggerMessage(232, LogLevel.Critical, "Scheduler for application {ApplicationName} on stream {StreamName} failed")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception, string applicationName, string streamName);

    [LoggerMessage(233, LogLevel.Warning, "Lease coordination for application {ApplicationName} failed; retrying")]
    public static partial void LeaseCoordinationFailed(ILogger logger, Exception exception, string applicationName);

    [LoggerMessage(234, LogLevel.Warning, "Releasing lease {LeaseKey} of application {ApplicationName} failed ({Error}); it expires on its own after the failover time")]
    public static partial void ReleaseFailed(ILogger logger, string leaseKey, string applicationName, string error);


    [LoggerMessage(235, LogLevel.Critical, "Scheduler for application {ApplicationName} on stream {StreamName} failed: {Reason}")]
    public static partial void SchedulerFailedDescribed(ILogger logger, string applicationName, string streamName, string reason);
}
