using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The runtime's log messages, source-generated (no boxing, no parsing of templates at run time).</summary>
internal static partial class KinesisAttribLog
{
    [LoggerMessage(1, LogLevel.Information, "Worker {WorkerId} took lease {LeaseKey} (previous owner: {PreviousOwner})")]
    private static partial void LeaseTakenCore(ILogger logger, string leaseKey, string workerId, string previousOwner);

    public static void LeaseTaken(ILogger logger, string leaseKey, string workerId, string? previousOwner)
        => LeaseTakenCore(logger, leaseKey, workerId, previousOwner ?? "none");

    [LoggerMessage(2, LogLevel.Warning, "Worker {WorkerId} lost lease {LeaseKey}")]
    public static partial void LeaseLost(ILogger logger, string leaseKey, string workerId);

    [LoggerMessage(3, LogLevel.Information, "Worker {WorkerId} released lease {LeaseKey}")]
    public static partial void LeaseReleased(ILogger logger, string leaseKey, string workerId);

    [LoggerMessage(4, LogLevel.Warning, "Renewing lease {LeaseKey} failed; retrying")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string leaseKey);

    [LoggerMessage(10, LogLevel.Information, "Shard sync of stream {StreamName}: {ShardCount} shards, {CreatedCount} new leases")]
    public static partial void ShardsSynced(ILogger logger, string streamName, int shardCount, int createdCount);

    [LoggerMessage(11, LogLevel.Warning, "Shard sync of stream {StreamName} failed; retrying")]
    public static partial void ShardSyncFailed(ILogger logger, Exception exception, string streamName);

    [LoggerMessage(20, LogLevel.Information, "Consumer of {StreamName}/{ShardId} starting after {Checkpoint}")]
    public static partial void ConsumerStarting(ILogger logger, string streamName, string shardId, string checkpoint);

    [LoggerMessage(21, LogLevel.Error, "Processor of {StreamName}/{ShardId} failed on a batch starting at {SequenceNumber}; its records will be delivered again")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(22, LogLevel.Warning, "Reading {StreamName}/{ShardId} failed; retrying")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string streamName, string shardId);

    [LoggerMessage(23, LogLevel.Information, "Shard {StreamName}/{ShardId} ended and is checkpointed at SHARD_END")]
    public static partial void ShardEnded(ILogger logger, string streamName, string shardId);

    [LoggerMessage(24, LogLevel.Error, "Processor of {StreamName}/{ShardId} did not checkpoint at the end of the shard; its children cannot start. Retrying")]
    public static partial void ShardEndNotCheckpointed(ILogger logger, string streamName, string shardId);

    [LoggerMessage(25, LogLevel.Information, "Consumer of {StreamName}/{ShardId} stopped ({Reason})")]
    public static partial void ConsumerStopped(ILogger logger, string streamName, string shardId, string reason);

    [LoggerMessage(26, LogLevel.Debug, "Iterator of {StreamName}/{ShardId} expired; getting a new one after {Position}")]
    public static partial void IteratorExpired(ILogger logger, string streamName, string shardId, string position);

    [LoggerMessage(27, LogLevel.Warning, "Processor of {StreamName}/{ShardId} failed while the shard was quiet; its records stay as checkpointed and it gets another turn")]
    public static partial void IdleFailed(ILogger logger, Exception exception, string streamName, string shardId);

    [LoggerMessage(30, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} started as worker {WorkerId}")]
    public static partial void SchedulerStarted(ILogger logger, string applicationName, string streamName, string workerId);

    [LoggerMessage(31, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} stopped")]
    public static partial void SchedulerStopped(ILogger logger, string applicationName, string streamName);

    [LoggerMessage(32, LogLevel.Critical, "Scheduler for application {ApplicationName} on stream {StreamName} failed")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception, string applicationName, string streamName);

    [LoggerMessage(33, LogLevel.Warning, "Lease coordination for application {ApplicationName} failed; retrying")]
    public static partial void LeaseCoordinationFailed(ILogger logger, Exception exception, string applicationName);
}
