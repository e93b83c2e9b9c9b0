using System.Net.Sockets;
using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// A lease store that can be made unreachable (every call fails as a refused connection does), or made to fail only
/// checkpoint writes a number of times, or to lose the answers of checkpoint writes that succeeded.
/// </summary>
internal sealed class SwitchableLeaseStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
{
    private int _checkpointFailures;
    private int _lostCheckpointAnswers;
    private int _failedCalls;

    public bool Unreachable { get; set; }

    /// <summary>Calls refused because the store was unreachable or told to fail.</summary>
    public int FailedCalls => Volatile.Read(ref _failedCalls);

    /// <summary>Fails the next <paramref name="count"/> checkpoint writes before they reach the table.</summary>
    public void FailCheckpoints(int count) => Volatile.Write(ref _checkpointFailures, count);

    /// <summary>Writes the next <paramref name="count"/> checkpoints, then fails them as if the answer never came.</summary>
    public void LoseCheckpointAnswers(int count) => Volatile.Write(ref _lostCheckpointAnswers, count);

    private T Refused<T>()
    {
        Interlocked.Increment(ref _failedCalls);
        throw new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));
    }

    private Task<T> Call<T>(Func<Task<T>> call) => Unreachable ? Refused<Task<T>>() : call();

    public override Task EnsureTableAsync(CancellationToken cancellationToken = default) => Call(async () => { await Inner.EnsureTableAsync(cancellationToken); return 0; });

    public override Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default) => Call(() => Inner.ListLeasesAsync(cancellationToken));

    public override Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default) => Call(() => Inner.GetLeaseAsync(leaseKey, cancellationToken));

    public override Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default) => Call(() => Inner.CreateLeaseIfNotExistsAsync(lease, cancellationToken));

    public override Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default) => Call(() => Inner.TakeLeaseAsync(lease, newOwner, cancellationToken));

    public override Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Call(() => Inner.RenewLeaseAsync(lease, cancellationToken));

    public override Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Decrement(ref _checkpointFailures) >= 0)
        {
            return Refused<Task<Lease?>>();
        }

        return Call(async () =>
        {
            var written = await Inner.UpdateCheckpointAsync(lease, checkpoint, cancellationToken);
            if (written is not null && Interlocked.Decrement(ref _lostCheckpointAnswers) >= 0)
            {
                Interlocked.Increment(ref _failedCalls);
                throw new HttpRequestException("The response ended prematurely.", new IOException("connection reset"));
            }

            return written;
        });
    }

    public override Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default) => Call(() => Inner.PrepareCheckpointAsync(lease, pendingCheckpoint, applicationState, cancellationToken));

    public override Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default) => Call(() => Inner.RequestHandoffAsync(lease, requester, cancellationToken));

    public override Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Call(() => Inner.EvictLeaseAsync(lease, cancellationToken));

    public override Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default) => Call(() => Inner.UpdateChildShardIdsAsync(leaseKey, childShardIds, cancellationToken));

    public override Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default) => Call(() => Inner.SetStreamNameAsync(leaseKey, streamName, cancellationToken));

    public override Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default) => Call(() => Inner.DeleteLeaseAsync(lease, cancellationToken));
}
