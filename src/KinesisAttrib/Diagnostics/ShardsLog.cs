using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The shard area's log events (shard sync, shard consumers, schedulers), source-generated. Event ids 200–299; docs/logging.md lists them.</summary>
internal static partial class ShardsLog
{
    // Shard sync.
    [LoggerMessage(201, LogLevel.Information, "Shard sync of stream {StreamName}: {ShardCount} shards, {CreatedCount} new leases")]
    public static partial void ShardsSynced(ILogger logger, string streamName, int shardCount, int createdCount);

    [LoggerMessage(202, LogLevel.Warning, "Shard sync of stream {StreamName} failed; retrying")]
    public static partial void ShardSyncFailed(ILogger logger, Exception exception, string streamName);

    // Shard consumers.
    [LoggerMessage(210, LogLevel.Information, "Consumer of {StreamName}/{ShardId} starting after {Checkpoint}")]
    public static partial void ConsumerStarting(ILogger logger, string streamName, string shardId, string checkpoint);

    [LoggerMessage(211, LogLevel.Error, "Processor of {StreamName}/{ShardId} failed on a batch starting at {SequenceNumber}; its records will be delivered again")]
    public static partial void ProcessingFailed(ILogger logger, Exception exception, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(212, LogLevel.Warning, "Reading {StreamName}/{ShardId} failed; retrying")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string streamName, string shardId);

    [LoggerMessage(213, LogLevel.Information, "Shard {StreamName}/{ShardId} ended and is checkpointed at SHARD_END")]
    public static partial void ShardEnded(ILogger logger, string streamName, string shardId);

    [LoggerMessage(214, LogLevel.Error, "Processor of {StreamName}/{ShardId} did not checkpoint at the end of the shard; its children cannot start. Retrying")]
    public static partial void ShardEndNotCheckpointed(ILogger logger, string streamName, string shardId);

    [LoggerMessage(215, LogLevel.Information, "Consumer of {StreamName}/{ShardId} stopped ({Reason})")]
    public static partial void ConsumerStopped(ILogger logger, string streamName, string shardId, string reason);

    [LoggerMessage(216, LogLevel.Debug, "Iterator of {StreamName}/{ShardId} expired; getting a new one after {Position}")]
    public static partial void IteratorExpired(ILogger logger, string streamName, string shardId, string position);

    [LoggerMessage(217, LogLevel.Warning, "Processor of {StreamName}/{ShardId} failed while the shard was quiet; its records stay as checkpointed and it gets another turn")]
    public static partial void IdleFailed(ILogger logger, Exception exception, string streamName, string shardId);

    [LoggerMessage(218, LogLevel.Warning, "Shard {StreamName}/{ShardId} is no longer in the stream (it expired past the retention period before it was finished); its unread records are gone. Ending it so its children can start")]
    public static partial void ShardExpired(ILogger logger, Exception exception, string streamName, string shardId);

    // Schedulers.
    [LoggerMessage(230, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} started as worker {WorkerId}")]
    public static partial void SchedulerStarted(ILogger logger, string applicationName, string streamName, string workerId);

    [LoggerMessage(231, LogLevel.Information, "Scheduler for application {ApplicationName} on stream {StreamName} stopped")]
    public static partial void SchedulerStopped(ILogger logger, string applicationName, string streamName);

    [LoggerMessage(232, LogLevel.Critical, "Scheduler for application {ApplicationName} on stream {StreamName} failed")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception, string applicationName, string streamName);

    [LoggerMessage(233, LogLevel.Warning, "Lease coordination for application {ApplicationName} failed; retrying")]
    public static partial void LeaseCoordinationFailed(ILogger logger, Exception exception, string applicationName);

    // Start-up (creating the lease table and the first shard sync).
    [LoggerMessage(240, LogLevel.Warning, "Starting application {ApplicationName} on stream {StreamName} failed; retrying for up to {RetryTime}: {Error}")]
    public static partial void StartupRetrying(ILogger logger, string applicationName, string streamName, string error, TimeSpan retryTime);

    [LoggerMessage(241, LogLevel.Debug, "Starting application {ApplicationName} on stream {StreamName} failed again (attempt {Attempt}): {Error}")]
    public static partial void StartupRetryingAgain(ILogger logger, string applicationName, string streamName, int attempt, string error);

    [LoggerMessage(242, LogLevel.Information, "Application {ApplicationName} on stream {StreamName} started after {Elapsed} of retries")]
    public static partial void StartupRecovered(ILogger logger, string applicationName, string streamName, TimeSpan elapsed);
}
