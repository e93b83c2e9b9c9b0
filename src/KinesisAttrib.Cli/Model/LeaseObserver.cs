using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Model;

/// <summary>
/// Remembers, over successive scans, when each lease's counter value was first seen, and so tells live owners from
/// gone ones the way the runtime's taker does (a counter that has not moved for the failover time on this clock), and
/// when each worker last wrote.
/// </summary>
internal sealed class LeaseObserver(TimeSpan failoverTime)
{
    private readonly Dictionary<string, (long Counter, string? Owner, DateTimeOffset FirstSeen)> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset? _firstScan;

    public TimeSpan FailoverTime { get; } = failoverTime;

    /// <summary>How long the observer has been watching.</summary>
    public TimeSpan ObservedFor(DateTimeOffset now) => _firstScan is { } first ? now - first : TimeSpan.Zero;

    public void Observe(LeaseScan scan)
    {
        _firstScan ??= scan.ReadAt;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lease in scan.Leases)
        {
            present.Add(lease.LeaseKey);
            if (!_seen.TryGetValue(lease.LeaseKey, out var seen) || seen.Counter != lease.LeaseCounter || seen.Owner != lease.LeaseOwner)
            {
                _seen[lease.LeaseKey] = (lease.LeaseCounter, lease.LeaseOwner, scan.ReadAt);
            }
        }

        foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _seen.Remove(gone);
        }
    }

    public LeaseState StateOf(Lease lease, DateTimeOffset now)
    {
        if (lease.Checkpoint.IsShardEnd)
        {
            return LeaseState.Finished;
        }

        if (lease.LeaseOwner is null)
        {
            return LeaseState.Free;
        }

        if (!_seen.TryGetValue(lease.LeaseKey, out var seen) || _firstScan is not { } first)
        {
            return LeaseState.Held;
        }

        if (seen.FirstSeen > first)
        {
            // The value changed after the first scan: someone wrote it while we watched.
            return now - seen.FirstSeen >= FailoverTime ? LeaseState.Expired : LeaseState.Live;
        }

        return now - seen.FirstSeen >= FailoverTime ? LeaseState.Expired : LeaseState.Held;
    }

    /// <summary>When the lease's counter was last seen to move, or null when it has not moved while watched.</summary>
    public DateTimeOffset? LastWrite(Lease lease) =>
        _seen.TryGetValue(lease.LeaseKey, out var seen) && _firstScan is { } first && seen.FirstSeen > first ? seen.FirstSeen : null;
}
