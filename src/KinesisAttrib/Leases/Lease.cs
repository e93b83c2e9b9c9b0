using KinesisAttrib.Handlers;

namespace KinesisAttrib.Leases;

/// <summary>
/// One row of the lease table: who owns a shard and how far it has been processed. Attribute names follow the
/// KCL 2.x single-stream schema so a Java KCL application can move to KinesisAttrib and keep its checkpoints.
/// </summary>
public sealed record Lease
{
    /// <summary>The shard id (<c>leaseKey</c>).</summary>
    public required string LeaseKey { get; init; }

    /// <summary>The worker holding the lease (<c>leaseOwner</c>); null when free.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>
    /// Incremented by every renewal, take and checkpoint (<c>leaseCounter</c>). Conditional writes on it fence out a
    /// worker whose view is stale; a counter that stops moving means the owner is gone.
    /// </summary>
    public long LeaseCounter { get; init; }

    /// <summary>The last checkpoint (<c>checkpoint</c> and <c>checkpointSubSequenceNumber</c>).</summary>
    public required ExtendedSequenceNumber Checkpoint { get; init; }

    /// <summary>A prepared, not yet committed checkpoint (<c>pendingCheckpoint*</c>).</summary>
    public ExtendedSequenceNumber? PendingCheckpoint { get; init; }

    /// <summary>
    /// The application state stored with <see cref="PendingCheckpoint"/> (<c>pendingCheckpointState</c>, binary), as the
    /// Java KCL's <c>prepareCheckpoint(…, applicationState)</c> writes it; null when none. Cleared with the pending checkpoint.
    /// </summary>
    public byte[]? PendingCheckpointState { get; init; }

    /// <summary>How often the owner changed since the last checkpoint (<c>ownerSwitchesSinceCheckpoint</c>).</summary>
    public long OwnerSwitchesSinceCheckpoint { get; init; }

    /// <summary>The shard's parents (<c>parentShardId</c>, a string set): one after a split, two after a merge.</summary>
    public IReadOnlyList<string> ParentShardIds { get; init; } = [];

    /// <summary>The shard's children once it has closed (<c>childShardIds</c>).</summary>
    public IReadOnlyList<string> ChildShardIds { get; init; } = [];

    /// <summary>
    /// A worker that asked the owner to hand this lease over (<c>handoffRequestedBy</c>; not a KCL attribute, which a
    /// Java KCL ignores). Set without moving the counter, so the owner's conditional writes still succeed; the owner
    /// checkpoints and releases, and the requester takes it. Cleared by the next take.
    /// </summary>
    public string? HandoffRequestedBy { get; init; }

    /// <summary>
    /// The stream the lease belongs to (<c>kinesisattribStream</c>; not a KCL attribute, which a Java KCL ignores). A
    /// lease table serves one stream per lease key schema: a consumer that finds leases of another stream stops instead
    /// of reading its stream from another stream's checkpoints. Null for a lease written by an older version or by the
    /// Java KCL; the shard sync adopts such leases and records the stream (docs/design/failure-handling.md).
    /// </summary>
    public string? StreamName { get; init; }

    /// <summary>The shard's lowest hash key (<c>startingHashKey</c>).</summary>
    public string? StartingHashKey { get; init; }

    /// <summary>The shard's highest hash key (<c>endingHashKey</c>).</summary>
    public string? EndingHashKey { get; init; }
}
