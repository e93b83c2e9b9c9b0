using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Leases;

/// <summary>
/// Renewal under a slow or unresponsive lease table: one slow request must not cost other leases, a hung one must not
/// keep a lease's shard running past the self-fence (the lease is suspended), and a suspended lease is resumed by a
/// renewal that succeeds (nobody took it) or lost by one that is refused.
/// </summary>
public sealed class LeaseRenewalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(10);
    private static readonly LeaseSettings Settings = new(Failover, Failover * 4 / 5);

    private static async Task<(StallingLeaseStore Store, LeaseCoordinator Coordinator)> WorkerWithAsync(FakeTimeProvider time, params string[] keys)
    {
        var store = new StallingLeaseStore(new InMemoryLeaseStore());
        foreach (var key in keys)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = key, Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var coordinator = new LeaseCoordinator(store, "a", Settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        await coordinator.TakeLeasesAsync(CancellationToken.None);
        Assert.Equal(keys.Length, coordinator.HeldLeases.Count);
        return (store, coordinator);
    }

    [Fact]
    public async Task OneSlowRenewal_DoesNotHoldUpTheRenewalsOfTheWorkersOtherLeases()
    {
        var time = new FakeTimeProvider();
        var (store, a) = await WorkerWithAsync(time, "s-0", "s-1", "s-2");
        var counters = (await store.ListLeasesAsync()).ToDictionary(l => l.LeaseKey, l => l.LeaseCounter);
        store.StallFirstRenewal();

        time.Advance(Settings.RenewalInterval);
        var pass = a.RenewLeasesAsync(CancellationToken.None);
        var slow = await store.FirstRenewalStalled.Task.WaitAsync(Timeout);

        // The two others are renewed while the first request is still outstanding.
        foreach (var lease in await store.ListLeasesAsync())
        {
            if (lease.LeaseKey != slow)
            {
                Assert.True(lease.LeaseCounter > counters[lease.LeaseKey], $"{lease.LeaseKey} was renewed while {slow}'s renewal was slow");
            }
        }

        // The slow one answers 1.2 s later, still before its self-fence: nothing is lost.
        time.Advance(TimeSpan.FromMilliseconds(1200));
        store.ReleaseStalledRenewal();
        await pass.WaitAsync(Timeout);
        Assert.Equal(3, a.HeldLeases.Count(h => !h.IsLost));
        Assert.All(await store.ListLeasesAsync(), l => Assert.True(l.LeaseCounter > counters[l.LeaseKey], $"{l.LeaseKey} renewed"));
    }

    [Fact]
    public async Task HungRenewal_IsAbandoned_AndTheLeaseSuspendedAtTheSelfFence_BeforeAnotherWorkerCanTakeIt()
    {
        var time = new FakeTimeProvider();
        var (store, a) = await WorkerWithAsync(time, "s-0");
        var held = a.HeldLeases.Single();
        store.StallFirstRenewal();

        time.Advance(Settings.RenewalInterval);
        var pass = a.RenewLeasesAsync(CancellationToken.None);
        await store.FirstRenewalStalled.Task.WaitAsync(Timeout);

        // The request never answers (a connection that hangs until the SDK's own timeout).
        time.Advance(Settings.SelfFenceAfter - Settings.RenewalInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(held.IsSuspended);
        var suspended = held.Suspended;
        time.Advance(TimeSpan.FromMilliseconds(1));

        await pass.WaitAsync(Timeout);
        Assert.True(held.IsSuspended, "the owner stopped the shard at F - F/16 although its renewal request never answered");
        Assert.True(suspended.IsCancellationRequested);
        Assert.False(held.WhenResumed.IsCompleted);

        // Kept, not given up: the next conditional write decides whether it is still ours.
        Assert.False(held.IsLost);
        Assert.Same(held, a.HeldLeases.Single());
    }

    [Fact]
    public async Task Renewal_WaitingBehindAHungCheckpoint_SuspendsTheLeaseAtTheSelfFence()
    {
        var time = new FakeTimeProvider();
        var (store, a) = await WorkerWithAsync(time, "s-0");
        var held = a.HeldLeases.Single();
        store.StallCheckpoints();
        var checkpoint = a.CheckpointAsync(held, new ExtendedSequenceNumber("100"), CancellationToken.None);
        await store.CheckpointStalled.Task.WaitAsync(Timeout);

        time.Advance(Settings.RenewalInterval);
        var pass = a.RenewLeasesAsync(CancellationToken.None);
        time.Advance(Settings.SelfFenceAfter - Settings.RenewalInterval);
        await pass.WaitAsync(Timeout);

        Assert.True(held.IsSuspended, "the shard is stopped although the renewal could not even start");
        Assert.False(held.IsLost);
        Assert.False(checkpoint.IsCompleted);
    }

    [Fact]
    public async Task SuspendedLease_IsResumedByTheNextRenewalThatSucceeds_WhenNobodyTookIt()
    {
        var time = new FakeTimeProvider();
        var (store, a) = await WorkerWithAsync(time, "s-0");
        var held = a.HeldLeases.Single();
        store.StallFirstRenewal();
        time.Advance(Settings.RenewalInterval);
        var pass = a.RenewLeasesAsync(CancellationToken.None);
        await store.FirstRenewalStalled.Task.WaitAsync(Timeout);
        time.Advance(Settings.SelfFenceAfter - Settings.RenewalInterval);
        await pass.WaitAsync(Timeout);
        Assert.True(held.IsSuspended);
        var counter = held.Current.LeaseCounter;

        // The table answers again: the renewal, conditional on the counter, proves the lease still ours.
        time.Advance(Settings.RetryInterval);
        await a.RenewLeasesAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(held.IsSuspended);
        Assert.True(held.WhenResumed.IsCompleted);
        Assert.False(held.Suspended.IsCancellationRequested);
        Assert.False(held.IsLost);
        Assert.True(held.Current.LeaseCounter > counter);
        store.ReleaseStalledRenewal();
    }

    [Fact]
    public async Task SuspendedLease_IsLost_WhenAnotherWorkerTookItMeanwhile()
    {
        var time = new FakeTimeProvider();
        var (store, a) = await WorkerWithAsync(time, "s-0");
        var held = a.HeldLeases.Single();
        var b = new LeaseCoordinator(store, "b", Settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        await b.TakeLeasesAsync(CancellationToken.None);
        store.StallFirstRenewal();
        time.Advance(Settings.RenewalInterval);
        var pass = a.RenewLeasesAsync(CancellationToken.None);
        await store.FirstRenewalStalled.Task.WaitAsync(Timeout);
        time.Advance(Settings.SelfFenceAfter - Settings.RenewalInterval);
        await pass.WaitAsync(Timeout);
        Assert.True(held.IsSuspended);

        // b saw the counter unchanged for the failover time, after a had stopped the shard, and takes it.
        time.Advance(Settings.RetryInterval);
        Assert.Single(await b.TakeLeasesAsync(CancellationToken.None));

        await a.RenewLeasesAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.True(held.IsLost);
        Assert.Empty(a.HeldLeases);
        store.ReleaseStalledRenewal();
    }

    [Fact]
    public async Task ManyLeasesDueAtOnce_AreRenewedConcurrently_ButWithABoundedNumberOfRequestsInFlight()
    {
        var time = new FakeTimeProvider();
        var keys = Enumerable.Range(0, 100).Select(i => $"s-{i:000}").ToArray();
        var store = new ConcurrencyMeasuringLeaseStore(new InMemoryLeaseStore());
        foreach (var key in keys)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = key, Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var a = new LeaseCoordinator(store, "a", Settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        await a.TakeLeasesAsync(CancellationToken.None);
        time.Advance(Settings.RenewalInterval);

        await a.RenewLeasesAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(100, store.Renewals);
        Assert.InRange(store.MaxInFlight, 2, LeaseRenewer.MaxConcurrentRenewals);
        Assert.Equal(100, a.HeldLeases.Count(h => !h.IsLost));
    }

    /// <summary>Renewals that take a moment (real time), counting how many are in flight at once.</summary>
    private sealed class ConcurrencyMeasuringLeaseStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
    {
        private int _inFlight;
        private int _maxInFlight;
        private int _renewals;

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int Renewals => Volatile.Read(ref _renewals);

        public override async Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            try
            {
                // A request's latency (the coordinator's clock is fake, so this does not advance it).
                await Task.Delay(5, cancellationToken);
                Interlocked.Increment(ref _renewals);
                return await Inner.RenewLeaseAsync(lease, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    /// <summary>A lease store whose first renewal (or every checkpoint) does not answer until released.</summary>
    private sealed class StallingLeaseStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stallRenewal;
        private bool _stallCheckpoints;

        public TaskCompletionSource<string> FirstRenewalStalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource CheckpointStalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void StallFirstRenewal() => Volatile.Write(ref _stallRenewal, 1);

        public void StallCheckpoints() => _stallCheckpoints = true;

        public void ReleaseStalledRenewal() => _release.TrySetResult();

        public override async Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _stallRenewal, 0) == 1)
            {
                FirstRenewalStalled.TrySetResult(lease.LeaseKey);
                await _release.Task.WaitAsync(cancellationToken);
            }

            return await Inner.RenewLeaseAsync(lease, cancellationToken);
        }

        public override async Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default)
        {
            if (_stallCheckpoints)
            {
                CheckpointStalled.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            }

            return await Inner.UpdateCheckpointAsync(lease, checkpoint, cancellationToken);
        }
    }
}
