using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Model;

/// <summary>Builds the rows of <c>leases</c> and <c>workers</c> from a scan and what the observer has seen.</summary>
internal static class LeaseRows
{
    public static LeaseRow Of(LeaseScan scan, Lease lease, LeaseObserver observer, DateTimeOffset now, LagInfo? lag) => new()
    {
        LeaseKey = lease.LeaseKey,
        ShardId = scan.ShardIdOf(lease),
        LeaseOwner = lease.LeaseOwner,
        LeaseCounter = lease.LeaseCounter,
        Checkpoint = lease.Checkpoint.SequenceNumber,
        CheckpointSubSequenceNumber = lease.Checkpoint.SubSequenceNumber,
        PendingCheckpoint = lease.PendingCheckpoint?.SequenceNumber,
        PendingCheckpointSubSequenceNumber = lease.PendingCheckpoint?.SubSequenceNumber,
        OwnerSwitchesSinceCheckpoint = lease.OwnerSwitchesSinceCheckpoint,
        ParentShardId = lease.ParentShardIds,
        ChildShardIds = lease.ChildShardIds,
        StartingHashKey = lease.StartingHashKey,
        EndingHashKey = lease.EndingHashKey,
        HandoffRequestedBy = lease.HandoffRequestedBy,
        Stream = lease.StreamName,
        State = Name(observer.StateOf(lease, now)),
        Lag = lag is null
            ? null
            : new LagRow(lag.MillisBehindLatest, lag.NextSequenceNumber, lag.NextRecordArrival, lag.NextRecordArrival is { } arrival ? Math.Max(0, (now - arrival).TotalSeconds) : null, lag.Note),
    };

    public static string Name(LeaseState state) => state switch
    {
        LeaseState.Held => "held",
        LeaseState.Live => "live",
        LeaseState.Expired => "expired",
        LeaseState.Free => "free",
        _ => "finished",
    };

    /// <summary>One row per worker named as an owner of an unfinished lease, most leases first.</summary>
    public static WorkersReport Workers(ToolSettings settings, LeaseScan scan, LeaseObserver observer, DateTimeOffset now)
    {
        var unfinished = scan.Leases.Where(l => !l.Checkpoint.IsShardEnd).ToList();
        var owned = unfinished.Where(l => l.LeaseOwner is not null).GroupBy(l => l.LeaseOwner!, StringComparer.Ordinal).ToList();
        var even = owned.Count == 0 ? 0 : (double)unfinished.Count / owned.Count;
        var rows = owned
            .Select(g =>
            {
                var leases = g.ToList();
                var lastWrite = leases.Select(observer.LastWrite).Where(t => t is not null).Max();
                var states = leases.Select(l => observer.StateOf(l, now)).ToList();
                var activity = states.Any(s => s == LeaseState.Live) ? "live"
                    : states.All(s => s == LeaseState.Expired) ? "gone (no lease renewed for the failover time)"
                    : "not observed";
                return new WorkerRow(
                    g.Key,
                    leases.Count,
                    [.. leases.Select(l => l.LeaseKey)],
                    even == 0 ? 0 : Math.Round(leases.Count / even, 2),
                    lastWrite,
                    lastWrite is { } w ? Math.Round((now - w).TotalSeconds, 1) : null,
                    activity);
            })
            .OrderByDescending(r => r.Leases)
            .ThenBy(r => r.Worker, StringComparer.Ordinal)
            .ToList();
        return new WorkersReport(
            settings.Application,
            settings.TableName,
            unfinished.Count,
            unfinished.Count(l => l.LeaseOwner is null),
            Math.Round(even, 2),
            Math.Round(observer.ObservedFor(now).TotalSeconds, 1),
            rows);
    }
}
