using System.Globalization;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Leases;

/// <summary>
/// The KCL 2.x single-stream lease schema: attribute names and the mapping between a <see cref="Lease"/> and a
/// DynamoDB item. Hand-written (no DataModel, no reflection) so the store stays trimming- and AOT-safe.
/// </summary>
internal static class LeaseAttributes
{
    public const string LeaseKey = "leaseKey";
    public const string LeaseOwner = "leaseOwner";
    public const string LeaseCounter = "leaseCounter";
    public const string Checkpoint = "checkpoint";
    public const string CheckpointSubSequenceNumber = "checkpointSubSequenceNumber";
    public const string PendingCheckpoint = "pendingCheckpoint";
    public const string PendingCheckpointSubSequenceNumber = "pendingCheckpointSubSequenceNumber";

    // The application state of a prepared checkpoint (binary), as the Java KCL's prepareCheckpoint(…, applicationState)
    // writes it; cleared with the pending checkpoint.
    public const string PendingCheckpointState = "pendingCheckpointState";
    public const string OwnerSwitchesSinceCheckpoint = "ownerSwitchesSinceCheckpoint";
    public const string ParentShardId = "parentShardId";
    public const string ChildShardIds = "childShardIds";
    public const string StartingHashKey = "startingHashKey";

    // Not KCL: a hand-off request (see Lease.HandoffRequestedBy).
    public const string HandoffRequestedBy = "handoffRequestedBy";
    public const string EndingHashKey = "endingHashKey";

    // Not KCL: the stream the lease belongs to (see Lease.StreamName). Not the KCL's multi-stream "streamName", whose
    // value is "account:stream:epoch" and which a KCL multi-stream application would read.
    public const string StreamName = "kinesisattribStream";

    public static Dictionary<string, AttributeValue> KeyOf(string leaseKey) =>
        new(StringComparer.Ordinal) { [LeaseKey] = new AttributeValue { S = leaseKey } };

    public static Dictionary<string, AttributeValue> ToItem(Lease lease)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [LeaseKey] = new AttributeValue { S = lease.LeaseKey },
            [LeaseCounter] = Number(lease.LeaseCounter),
            [Checkpoint] = new AttributeValue { S = lease.Checkpoint.SequenceNumber },
            [CheckpointSubSequenceNumber] = Number(lease.Checkpoint.SubSequenceNumber),
            [OwnerSwitchesSinceCheckpoint] = Number(lease.OwnerSwitchesSinceCheckpoint),
        };

        if (lease.LeaseOwner is not null)
        {
            item[LeaseOwner] = new AttributeValue { S = lease.LeaseOwner };
        }

        if (lease.PendingCheckpoint is { } pending)
        {
            item[PendingCheckpoint] = new AttributeValue { S = pending.SequenceNumber };
            item[PendingCheckpointSubSequenceNumber] = Number(pending.SubSequenceNumber);
            if (lease.PendingCheckpointState is { } state)
            {
                item[PendingCheckpointState] = Binary(state);
            }
        }

        // DynamoDB rejects empty sets, so an empty list is stored as "no attribute" (as the Java KCL does).
        if (StringSet(lease.ParentShardIds) is { } parents)
        {
            item[ParentShardId] = parents;
        }

        if (StringSet(lease.ChildShardIds) is { } children)
        {
            item[ChildShardIds] = children;
        }

        if (lease.HandoffRequestedBy is not null)
        {
            item[HandoffRequestedBy] = new AttributeValue { S = lease.HandoffRequestedBy };
        }

        if (lease.StartingHashKey is not null)
        {
            item[StartingHashKey] = new AttributeValue { S = lease.StartingHashKey };
        }

        if (lease.EndingHashKey is not null)
        {
            item[EndingHashKey] = new AttributeValue { S = lease.EndingHashKey };
        }

        if (lease.StreamName is not null)
        {
            item[StreamName] = new AttributeValue { S = lease.StreamName };
        }

        return item;
    }

    /// <summary>Reads a lease item. Attributes this schema does not know (other KCL versions, user columns) are ignored.</summary>
    public static Lease FromItem(Dictionary<string, AttributeValue> item)
    {
        var leaseKey = GetString(item, LeaseKey)
            ?? throw new InvalidDataException($"A lease table item has no string attribute '{LeaseKey}'.");
        var checkpoint = GetString(item, Checkpoint)
            ?? throw new InvalidDataException($"Lease '{leaseKey}' has no string attribute '{Checkpoint}'; the item was not written by a KCL-compatible lease store.");
        var pending = GetString(item, PendingCheckpoint);

        return new Lease
        {
            LeaseKey = leaseKey,
            LeaseOwner = GetString(item, LeaseOwner),
            LeaseCounter = GetNumber(item, LeaseCounter),
            Checkpoint = new ExtendedSequenceNumber(checkpoint, GetNumber(item, CheckpointSubSequenceNumber)),
            PendingCheckpoint = pending is null ? null : new ExtendedSequenceNumber(pending, GetNumber(item, PendingCheckpointSubSequenceNumber)),
            PendingCheckpointState = pending is not null && item.TryGetValue(PendingCheckpointState, out var state) && state.B is { } bytes ? bytes.ToArray() : null,
            OwnerSwitchesSinceCheckpoint = GetNumber(item, OwnerSwitchesSinceCheckpoint),
            ParentShardIds = GetStringSet(item, ParentShardId),
            ChildShardIds = GetStringSet(item, ChildShardIds),
            StartingHashKey = GetString(item, StartingHashKey),
            EndingHashKey = GetString(item, EndingHashKey),
            HandoffRequestedBy = GetString(item, HandoffRequestedBy),
            StreamName = GetString(item, StreamName),
        };
    }

    public static AttributeValue Binary(byte[] value) => new() { B = new MemoryStream(value, writable: false) };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue? StringSet(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        // A set holds each value once; sort so the written item does not depend on the caller's order.
        var distinct = new SortedSet<string>(values, StringComparer.Ordinal);
        return new AttributeValue { SS = [.. distinct] };
    }

    private static string? GetString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static long GetNumber(Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out var value) || value.N is null)
        {
            return 0;
        }

        return long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException($"Lease attribute '{name}' holds '{value.N}', which is not a 64-bit integer.");
    }

    private static string[] GetStringSet(Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out var value) || value.SS is not { Count: > 0 } set)
        {
            return [];
        }

        // DynamoDB sets are unordered; return them sorted so two reads of one item compare equal.
        var result = set.ToArray();
        Array.Sort(result, StringComparer.Ordinal);
        return result;
    }
}
