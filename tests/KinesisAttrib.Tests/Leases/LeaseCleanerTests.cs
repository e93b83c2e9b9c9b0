using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Leases;

public sealed class LeaseCleanerTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private static async Task<InMemoryLeaseStore> StoreAsync(ExtendedSequenceNumber childCheckpoint, params Lease[] extra)
    {
        var store = new InMemoryLeaseStore();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "parent", Checkpoint = ExtendedSequenceNumber.ShardEnd });
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "child", Checkpoint = childCheckpoint, ParentShardIds = ["parent"] });
        foreach (var lease in extra)
        {
            await store.CreateLeaseIfNotExistsAsync(lease);
        }

        return store;
    }

    [Fact]
    public async Task FinishedParent_IsDeletedOnlyAfterTheRetention_OnceItsChildrenStarted()
    {
        var store = await StoreAsync(new ExtendedSequenceNumber("100"));
        var time = new FakeTimeProvider();
        var cleaner = new LeaseCleaner(store, LeaseKeys.SingleStream, Retention, time, NullLogger.Instance);

        Assert.Equal(0, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
        time.Advance(Retention - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));

        Assert.Null(await store.GetLeaseAsync("parent"));
        Assert.NotNull(await store.GetLeaseAsync("child"));
    }

    [Fact]
    public async Task FinishedParent_IsKept_WhileAChildHasNotStarted()
    {
        var store = await StoreAsync(ExtendedSequenceNumber.TrimHorizon);
        var time = new FakeTimeProvider();
        var cleaner = new LeaseCleaner(store, LeaseKeys.SingleStream, TimeSpan.Zero, time, NullLogger.Instance);

        Assert.Equal(0, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
        time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
        Assert.NotNull(await store.GetLeaseAsync("parent"));
    }

    [Fact]
    public async Task MergeParent_IsKept_UntilEveryChildNamedOnItHasALease()
    {
        var store = await StoreAsync(new ExtendedSequenceNumber("100"));
        var parent = (await store.GetLeaseAsync("parent"))!;
        await store.DeleteLeaseAsync(parent);
        await store.CreateLeaseIfNotExistsAsync(parent with { ChildShardIds = ["child", "other-child"] });
        var cleaner = new LeaseCleaner(store, LeaseKeys.SingleStream, TimeSpan.Zero, new FakeTimeProvider(), NullLogger.Instance);

        Assert.Equal(0, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));

        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "other-child", Checkpoint = new ExtendedSequenceNumber("7"), ParentShardIds = ["parent"] });
        Assert.Equal(1, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
    }

    [Fact]
    public async Task SplitParent_WhoseNamedChildWasFinishedAndCleanedUpItself_IsStillDeleted()
    {
        // "child" started; "early-child" ended and its lease was cleaned up, leaving only its own child naming it.
        var store = await StoreAsync(
            new ExtendedSequenceNumber("100"),
            new Lease { LeaseKey = "grandchild", Checkpoint = new ExtendedSequenceNumber("5"), ParentShardIds = ["early-child"] });
        var parent = (await store.GetLeaseAsync("parent"))!;
        await store.DeleteLeaseAsync(parent);
        await store.CreateLeaseIfNotExistsAsync(parent with { ChildShardIds = ["child", "early-child"] });
        var cleaner = new LeaseCleaner(store, LeaseKeys.SingleStream, TimeSpan.Zero, new FakeTimeProvider(), NullLogger.Instance);

        Assert.Equal(1, await cleaner.CleanUpAsync(await store.ListLeasesAsync(), CancellationToken.None));
        Assert.Null(await store.GetLeaseAsync("parent"));
    }

    [Fact]
    public async Task Cleanup_WhenTheLeaseChangedSinceTheScan_DeletesNothing()
    {
        var store = await StoreAsync(new ExtendedSequenceNumber("100"));
        var scan = await store.ListLeasesAsync();
        var parent = scan.Single(l => l.LeaseKey == "parent");
        await store.TakeLeaseAsync(parent, "someone");
        var cleaner = new LeaseCleaner(store, LeaseKeys.SingleStream, TimeSpan.Zero, new FakeTimeProvider(), NullLogger.Instance);

        Assert.Equal(0, await cleaner.CleanUpAsync(scan, CancellationToken.None));
        Assert.NotNull(await store.GetLeaseAsync("parent"));
    }
}
