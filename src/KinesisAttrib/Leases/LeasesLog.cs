using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>The lease area's log messages (taking and balancing, cleanup, the DynamoDB store), source-generated.</summary>
internal static partial class LeasesLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Creating lease table {TableName} (on-demand billing).")]
    public static partial void CreatingTable(ILogger logger, string tableName);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Lease table {TableName} was created by another worker at the same time; waiting for it.")]
    public static partial void TableCreatedConcurrently(ILogger logger, string tableName);

    [LoggerMessage(EventId = 62, Level = LogLevel.Debug, Message = "Conditional {Operation} of lease {LeaseKey} at counter {LeaseCounter} failed: another worker changed it.")]
    public static partial void ConditionFailed(ILogger logger, string operation, string leaseKey, long leaseCounter);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Worker {WorkerId} stole lease {LeaseKey} from {Victim} ({VictimCount} leases against {OwnCount})")]
    public static partial void LeaseStolen(ILogger logger, string leaseKey, string workerId, string victim, int victimCount, int ownCount);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Worker {WorkerId} hands off lease {LeaseKey}: it holds {OwnCount} leases, its share is {Target}")]
    public static partial void HandoffRequested(ILogger logger, string leaseKey, string workerId, int ownCount, int target);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Worker {WorkerId} asks {Owner} to hand over lease {LeaseKey} ({OwnerCount} leases against {OwnCount})")]
    public static partial void HandoffAskedFor(ILogger logger, string leaseKey, string workerId, string owner, int ownerCount, int ownCount);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Worker {WorkerId} hands over lease {LeaseKey}: {Requester} asked for it")]
    public static partial void HandoffAskedOf(ILogger logger, string leaseKey, string workerId, string requester);

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Deleted the lease of finished shard {LeaseKey}: its children are being processed")]
    public static partial void LeaseDeleted(ILogger logger, string leaseKey);
}
