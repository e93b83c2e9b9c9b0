using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Leases;

public sealed class LeaseCoordinatorTests
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(10);

    private static async Task<InMemoryLeaseStore> StoreWithAsync(params string[] keys)
    {
        var store = new InMemoryLeaseStore();
        foreach (var key in keys)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = key, Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        return store;
    }

    private static LeaseCoordinator Coordinator(ILeaseStore store, string worker, TimeProvider time)
        => new(store, worker, Failover, time, NullLogger.Instance);

    [Fact]
    public async Task TakeLeases_TakesEveryFreeLeaseForASingleWorker()
    {
        var store = await StoreWithAsync("s-0", "s-1", "s-2");
        var coordinator = Coordinator(store, "a", new FakeTimeProvider());

        var taken = await coordinator.TakeLeasesAsync(CancellationToken.None);

        Assert.Equal(["s-0", "s-1", "s-2"], taken.Select(l => l.LeaseKey));
        Assert.All(await store.ListLeasesAsync(), l => Assert.Equal("a", l.LeaseOwner));
    }

    [Fact]
    public async Task TakeLeases_LeavesALiveOwnersLeases_AndTakesThemOnceTheCounterStopsForTheFailoverTime()
    {
        var store = await StoreWithAsync("s-0");
        var time = new FakeTimeProvider();
        var a = Coordinator(store, "a", time);
        var b = Coordinator(store, "b", time);
        await a.TakeLeasesAsync(CancellationToken.None);

        Assert.Empty(await b.TakeLeasesAsync(CancellationToken.None));
        time.Advance(Failover / 2);
        await a.RenewLeasesAsync(CancellationToken.None);
        Assert.Empty(await b.TakeLeasesAsync(CancellationToken.None));

        // a stops renewing (it died): after the failover time on b's own clock, b takes the lease.
        time.Advance(Failover - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await b.TakeLeasesAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["s-0"], (await b.TakeLeasesAsync(CancellationToken.None)).Select(l => l.LeaseKey));
    }

    [Fact]
    public async Task Checkpoint_ByAWorkerWhoseLeaseWasTaken_IsRejectedAndMarksTheLeaseLost()
    {
        var store = await StoreWithAsync("s-0");
        var time = new FakeTimeProvider();
        var a = Coordinator(store, "a", time);
        var b = Coordinator(store, "b", time);
        await a.TakeLeasesAsync(CancellationToken.None);
        var held = a.HeldLeases.Single();
        await b.TakeLeasesAsync(CancellationToken.None);
        time.Advance(Failover);
        await b.TakeLeasesAsync(CancellationToken.None);
        await b.CheckpointAsync(b.HeldLeases.Single(), new ExtendedSequenceNumber("200"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<LeaseLostException>(() => a.CheckpointAsync(held, new ExtendedSequenceNumber("100"), CancellationToken.None));

        Assert.Contains("s-0", error.Message, StringComparison.Ordinal);
        Assert.True(held.Lost.IsCancellationRequested);
        Assert.Empty(a.HeldLeases);
        var stored = await store.GetLeaseAsync("s-0");
        Assert.Equal("b", stored!.LeaseOwner);
        Assert.Equal("200", stored.Checkpoint.SequenceNumber);
    }

    [Fact]
    public async Task Renew_AfterAnotherWorkerTookTheLease_MarksItLost()
    {
        var store = await StoreWithAsync("s-0");
        var time = new FakeTimeProvider();
        var a = Coordinator(store, "a", time);
        await a.TakeLeasesAsync(CancellationToken.None);
        var held = a.HeldLeases.Single();
        await store.TakeLeaseAsync((await store.GetLeaseAsync("s-0"))!, "b");
        time.Advance(Failover / 3);

        await a.RenewLeasesAsync(CancellationToken.None);

        Assert.True(held.IsLost);
        Assert.Empty(a.HeldLeases);
    }

    [Fact]
    public async Task TakeLeases_TakesNoMoreThanAFairShareWhenAnotherWorkerIsAlive()
    {
        var store = await StoreWithAsync("s-0", "s-1", "s-2", "s-3");
        var time = new FakeTimeProvider();
        var a = Coordinator(store, "a", time);
        var b = Coordinator(store, "b", time);
        await store.TakeLeaseAsync((await store.GetLeaseAsync("s-0"))!, "b");

        var taken = await a.TakeLeasesAsync(CancellationToken.None);

        Assert.Equal(2, taken.Count);
        Assert.Equal(["s-1", "s-2"], taken.Select(l => l.LeaseKey));
        // b (which the table says owns s-0) ends with its share: s-0 and the last free lease.
        Assert.Equal(["s-0", "s-3"], (await b.TakeLeasesAsync(CancellationToken.None)).Select(l => l.LeaseKey).Order());
    }

    [Fact]
    public async Task Release_ClearsTheOwnerSoASuccessorCanTakeItAtOnce()
    {
        var store = await StoreWithAsync("s-0");
        var time = new FakeTimeProvider();
        var a = Coordinator(store, "a", time);
        await a.TakeLeasesAsync(CancellationToken.None);

        await a.ReleaseAsync(a.HeldLeases.Single(), CancellationToken.None);

        Assert.Null((await store.GetLeaseAsync("s-0"))!.LeaseOwner);
        Assert.Single(await Coordinator(store, "b", time).TakeLeasesAsync(CancellationToken.None));
    }
}
