using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Model;

/// <summary>The answer of <see cref="Liveness.ObserveAsync"/>: whether the owner wrote while watched, and the lease as last read.</summary>
internal sealed record LivenessResult(bool Live, Lease Current, TimeSpan Watched);

/// <summary>
/// Tells whether a lease's owner is alive the way a worker does: by watching the counter on this machine's clock. A
/// counter that moves (renewal, checkpoint) answers at once; one that stands still for the failover time means the owner
/// is gone and any worker may take the lease.
/// </summary>
internal static class Liveness
{
    public static async Task<LivenessResult> ObserveAsync(Session session, Lease lease, TimeSpan failoverTime, CancellationToken cancellationToken)
    {
        var started = session.Time.GetTimestamp();
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(failoverTime.TotalMilliseconds / 10, 10, 500));
        var current = lease;
        while (session.Time.GetElapsedTime(started) < failoverTime)
        {
            await Task.Delay(poll, session.Time, cancellationToken).ConfigureAwait(false);
            current = await session.GetAsync(lease.LeaseKey, cancellationToken).ConfigureAwait(false)
                ?? throw new ToolFailureException($"lease '{lease.LeaseKey}' was deleted while the tool watched it (the shard was cleaned up); nothing written.");
            if (current.LeaseCounter != lease.LeaseCounter || current.LeaseOwner != lease.LeaseOwner)
            {
                return new LivenessResult(true, current, session.Time.GetElapsedTime(started));
            }
        }

        return new LivenessResult(false, current, session.Time.GetElapsedTime(started));
    }
}
