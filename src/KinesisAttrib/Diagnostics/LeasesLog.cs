using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The lease area's log events (taking, renewal, the DynamoDB store, balancing, cleanup), source-generated. Event ids 100–199; docs/logging.md lists them.</summary>
internal static partial class LeasesLog
{
    // Held leases.
    [LoggerMessage(101, LogLevel.Information, "Worker {WorkerId} took lease {LeaseKey} (previous owner: {PreviousOwner})")]
    private static partial void LeaseTakenCore(ILogger logger, string leaseKey, string workerId, string previousOwner);

    public static void LeaseTaken(ILogger logger, string leaseKey, string workerId, string? previousOwner)
        => LeaseTakenCore(logger, leaseKey, workerId, previousOwner ?? "none");

    [LoggerMessage(102, LogLevel.Warning, "Worker {WorkerId} lost lease {LeaseKey}")]
    public static partial void LeaseLost(ILogger logger, string leaseKey, string workerId);

    [LoggerMessage(103, LogLevel.Information, "Worker {WorkerId} released lease {LeaseKey}")]
    public static partial void LeaseReleased(ILogger logger, string leaseKey, string workerId);

    [LoggerMessage(105, LogLevel.Warning, "Worker {WorkerId} suspended lease {LeaseKey}: not written for {Seconds:0.0} s, so it may be taken; its shard waits until the lease table answers")]
    public static partial void LeaseSuspended(ILogger logger, string leaseKey, string workerId, double seconds);

    [LoggerMessage(106, LogLevel.Information, "Worker {WorkerId} resumed lease {LeaseKey} after {Seconds:0.0} s: nobody took it")]
    public static partial void LeaseResumed(ILogger logger, string leaseKey, string workerId, double seconds);

    [LoggerMessage(107, LogLevel.Information, "Worker {WorkerId} still holds lease {LeaseKey} after a refused write: the counter moved from {Expected} to {Stored} without a new owner (an earlier write's answer was lost, or a hand-off request)")]
    public static partial void LeaseReadBack(ILogger logger, string leaseKey, string workerId, long expected, long stored);

    // The lease table.
    [LoggerMessage(110, LogLevel.Information, "Creating lease table {TableName} (on-demand billing).")]
    public static partial void CreatingTable(ILogger logger, string tableName);

    [LoggerMessage(111, LogLevel.Debug, "Lease table {TableName} was created by another worker at the same time; waiting for it.")]
    public static partial void TableCreatedConcurrently(ILogger logger, string tableName);

    [LoggerMessage(112, LogLevel.Debug, "Conditional {Operation} of lease {LeaseKey} at counter {LeaseCounter} failed: another worker changed it.")]
    public static partial void ConditionFailed(ILogger logger, string operation, string leaseKey, long leaseCounter);

    // Balancing and cleanup.
    [LoggerMessage(120, LogLevel.Information, "Worker {WorkerId} stole lease {LeaseKey} from {Victim} ({VictimCount} leases against {OwnCount})")]
    public static partial void LeaseStolen(ILogger logger, string leaseKey, string workerId, string victim, int victimCount, int ownCount);

    [LoggerMessage(121, LogLevel.Information, "Worker {WorkerId} hands off lease {LeaseKey}: it holds {OwnCount} leases, its share is {Target}")]
    public static partial void HandoffRequested(ILogger logger, string leaseKey, string workerId, int ownCount, int target);

    [LoggerMessage(122, LogLevel.Information, "Worker {WorkerId} asks {Owner} to hand over lease {LeaseKey} ({OwnerCount} leases against {OwnCount})")]
    public static partial void HandoffAskedFor(ILogger logger, string leaseKey, string workerId, string owner, int ownerCount, int ownCount);

    [LoggerMessage(123, LogLevel.Information, "Worker {WorkerId} hands over lease {LeaseKey}: {Requester} asked for it")]
    public static partial void HandoffAskedOf(ILogger logger, string leaseKey, string workerId, string requester);

    [LoggerMessage(130, LogLevel.Information, "Deleted the lease of finished shard {LeaseKey}: its children are being processed")]
    public static partial void LeaseDeleted(ILogger logger, string leaseKey);
}
