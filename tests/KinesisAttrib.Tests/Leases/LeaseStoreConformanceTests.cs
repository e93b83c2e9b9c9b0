using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.Leases;

/// <summary>
/// The behaviour every <see cref="ILeaseStore"/> must have. Run on the in-memory store here and on the DynamoDB store
/// against dynalite in the integration tests (this file is linked into that project), so the two cannot drift apart.
/// Each test gets a store of its own, empty table included.
/// </summary>
public abstract class LeaseStoreConformanceTests
{
    private const string ShardId = "shardId-000000000000";
    private const string WorkerA = "worker-a";
    private const string WorkerB = "worker-b";

    /// <summary>Returns a store over a fresh, empty table on which <see cref="ILeaseStore.EnsureTableAsync"/> has run.</summary>
    protected abstract Task<ILeaseStore> CreateStoreAsync();

    [Fact]
    public async Task ListLeases_OfANewTable_IsEmpty()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.ListLeasesAsync());
        Assert.Null(await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task CreateLeaseIfNotExists_IsIdempotent_AndKeepsTheFirstValue()
    {
        var store = await CreateStoreAsync();
        var first = NewLease() with { Checkpoint = ExtendedSequenceNumber.TrimHorizon };
        var second = NewLease() with { Checkpoint = ExtendedSequenceNumber.Latest, LeaseOwner = WorkerB, LeaseCounter = 7 };

        Assert.True(await store.CreateLeaseIfNotExistsAsync(first));
        Assert.False(await store.CreateLeaseIfNotExistsAsync(second));

        AssertSameLease(first, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task TakeLease_IncrementsTheCounter_SetsTheOwner_AndCountsTheOwnerSwitch()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseCounter = 3, OwnerSwitchesSinceCheckpoint = 1 });

        var taken = await store.TakeLeaseAsync(lease, WorkerA);

        Assert.NotNull(taken);
        Assert.Equal(WorkerA, taken.LeaseOwner);
        Assert.Equal(4, taken.LeaseCounter);
        Assert.Equal(2, taken.OwnerSwitchesSinceCheckpoint);
        Assert.Equal(lease.Checkpoint, taken.Checkpoint);
        AssertSameLease(taken, await store.GetLeaseAsync(ShardId));

        var stolen = await store.TakeLeaseAsync(taken, WorkerB);
        Assert.NotNull(stolen);
        Assert.Equal(WorkerB, stolen.LeaseOwner);
        Assert.Equal(5, stolen.LeaseCounter);
        Assert.Equal(3, stolen.OwnerSwitchesSinceCheckpoint);
    }

    [Fact]
    public async Task TakeLease_ByItsOwner_DoesNotCountAnOwnerSwitch()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 2, OwnerSwitchesSinceCheckpoint = 1 });

        var taken = await store.TakeLeaseAsync(lease, WorkerA);

        Assert.NotNull(taken);
        Assert.Equal(3, taken.LeaseCounter);
        Assert.Equal(1, taken.OwnerSwitchesSinceCheckpoint);
    }

    [Fact]
    public async Task TakeLease_WithAStaleCounter_ReturnsNull_AndChangesNothing()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 5 });
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);

        Assert.Null(await store.TakeLeaseAsync(lease, WorkerB));

        AssertSameLease(renewed, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task TakeLease_OfAMissingLease_ReturnsNull_AndCreatesNothing()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.TakeLeaseAsync(NewLease(), WorkerA));

        Assert.Empty(await store.ListLeasesAsync());
    }

    [Fact]
    public async Task RenewLease_ByItsOwner_IncrementsTheCounter()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 10, OwnerSwitchesSinceCheckpoint = 2 });

        var renewed = await store.RenewLeaseAsync(lease);
        var renewedAgain = await store.RenewLeaseAsync(renewed!);

        Assert.NotNull(renewedAgain);
        Assert.Equal(12, renewedAgain.LeaseCounter);
        Assert.Equal(WorkerA, renewedAgain.LeaseOwner);
        Assert.Equal(2, renewedAgain.OwnerSwitchesSinceCheckpoint);
        AssertSameLease(renewedAgain, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task RenewLease_ByAWorkerThatDoesNotOwnIt_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1 });

        Assert.Null(await store.RenewLeaseAsync(lease with { LeaseOwner = WorkerB }));
        Assert.Null(await store.RenewLeaseAsync(lease with { LeaseOwner = null }));

        AssertSameLease(lease, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task RenewLease_WithAStaleCounter_ReturnsNull()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1 });
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);

        Assert.Null(await store.RenewLeaseAsync(lease));

        AssertSameLease(renewed, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task UpdateCheckpoint_ByItsOwner_WritesTheCheckpoint_ResetsOwnerSwitches_AndClearsThePendingCheckpoint()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with
        {
            LeaseOwner = WorkerA,
            LeaseCounter = 4,
            OwnerSwitchesSinceCheckpoint = 3,
            PendingCheckpoint = new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588802", 5),
        });
        var checkpoint = new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898", 17);

        var updated = await store.UpdateCheckpointAsync(lease, checkpoint);

        Assert.NotNull(updated);
        Assert.Equal(checkpoint, updated.Checkpoint);
        Assert.Null(updated.PendingCheckpoint);
        Assert.Equal(0, updated.OwnerSwitchesSinceCheckpoint);
        Assert.Equal(5, updated.LeaseCounter);
        Assert.Equal(WorkerA, updated.LeaseOwner);
        AssertSameLease(updated, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task UpdateCheckpoint_AfterAnotherWorkerTookTheLease_ReturnsNull_AndKeepsTheNewOwnersCheckpoint()
    {
        var store = await CreateStoreAsync();
        var heldByA = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1 });

        // B takes the lease (A looked dead) and checkpoints further on.
        var heldByB = await store.TakeLeaseAsync(heldByA, WorkerB);
        Assert.NotNull(heldByB);
        var newOwnersCheckpoint = new ExtendedSequenceNumber("200", 0);
        var checkpointedByB = await store.UpdateCheckpointAsync(heldByB, newOwnersCheckpoint);
        Assert.NotNull(checkpointedByB);

        // A wakes up and tries to checkpoint with its old view: fenced off, whether it kept its counter or not.
        Assert.Null(await store.UpdateCheckpointAsync(heldByA, new ExtendedSequenceNumber("100", 0)));
        Assert.Null(await store.UpdateCheckpointAsync(heldByA with { LeaseCounter = checkpointedByB.LeaseCounter }, new ExtendedSequenceNumber("100", 0)));

        var stored = await store.GetLeaseAsync(ShardId);
        AssertSameLease(checkpointedByB, stored);
        Assert.Equal(newOwnersCheckpoint, stored!.Checkpoint);
        Assert.Equal(WorkerB, stored.LeaseOwner);
    }

    [Fact]
    public async Task EvictLease_ByItsOwner_ClearsTheOwner_AndIncrementsTheCounter()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 8 });

        Assert.Null(await store.EvictLeaseAsync(lease with { LeaseOwner = WorkerB }));
        var evicted = await store.EvictLeaseAsync(lease);

        Assert.NotNull(evicted);
        Assert.Null(evicted.LeaseOwner);
        Assert.Equal(9, evicted.LeaseCounter);
        AssertSameLease(evicted, await store.GetLeaseAsync(ShardId));

        // A free lease can be taken again by anyone, on its new counter.
        var retaken = await store.TakeLeaseAsync(evicted, WorkerB);
        Assert.Equal(WorkerB, retaken?.LeaseOwner);
    }

    [Fact]
    public async Task RequestHandoff_RecordsTheRequester_WithoutMovingTheCounter_SoTheOwnersNextWriteSucceeds()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 4 });

        var requested = await store.RequestHandoffAsync(lease, WorkerB);

        Assert.NotNull(requested);
        Assert.Equal(WorkerB, requested.HandoffRequestedBy);
        Assert.Equal(WorkerA, requested.LeaseOwner);
        Assert.Equal(4, requested.LeaseCounter);
        Assert.Equal(WorkerB, (await store.GetLeaseAsync(ShardId))!.HandoffRequestedBy);

        // The owner's view from before the request is still current, and its write returns the request.
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);
        Assert.Equal(WorkerB, renewed.HandoffRequestedBy);

        // A release keeps the request (the requester is first in line); the take clears it.
        var released = await store.EvictLeaseAsync(renewed);
        Assert.Equal(WorkerB, released?.HandoffRequestedBy);
        var taken = await store.TakeLeaseAsync(released!, WorkerB);
        Assert.NotNull(taken);
        Assert.Null(taken.HandoffRequestedBy);
        Assert.Null((await store.GetLeaseAsync(ShardId))!.HandoffRequestedBy);
    }

    [Fact]
    public async Task RequestHandoff_OnAStaleView_ReturnsNull_AndChangesNothing()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 4 });
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);

        Assert.Null(await store.RequestHandoffAsync(lease, WorkerB));
        Assert.Null(await store.RequestHandoffAsync(renewed with { LeaseOwner = WorkerB }, WorkerB));

        AssertSameLease(renewed, await store.GetLeaseAsync(ShardId));
        Assert.Null((await store.GetLeaseAsync(ShardId))!.HandoffRequestedBy);
        await Assert.ThrowsAsync<ArgumentException>(() => store.RequestHandoffAsync(renewed with { LeaseOwner = null }, WorkerB));
    }

    [Fact]
    public async Task UpdateChildShardIds_OfAFinishedShard_RecordsEachOnce_WithoutTouchingOwnerOrCounter()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 5, Checkpoint = ExtendedSequenceNumber.ShardEnd, ParentShardIds = ["shardId-p"] });

        Assert.True(await store.UpdateChildShardIdsAsync(ShardId, ["shardId-2", "shardId-1", "shardId-2"]));

        var stored = await store.GetLeaseAsync(ShardId);
        Assert.NotNull(stored);
        Assert.Equal(["shardId-1", "shardId-2"], stored.ChildShardIds);
        Assert.Equal(["shardId-p"], stored.ParentShardIds);
        Assert.Equal(WorkerA, stored.LeaseOwner);
        Assert.Equal(5, stored.LeaseCounter);

        // The owner's view is still current: its next conditional write succeeds and keeps the children.
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);
        Assert.Equal(["shardId-1", "shardId-2"], (await store.GetLeaseAsync(ShardId))!.ChildShardIds);
    }

    [Fact]
    public async Task UpdateChildShardIds_OfAnUnfinishedOrMissingLease_ReturnsFalse_AndChangesNothing()
    {
        var store = await CreateStoreAsync();
        var open = await CreateAsync(store, NewLease() with { Checkpoint = new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898") });

        Assert.False(await store.UpdateChildShardIdsAsync(ShardId, ["shardId-1"]));
        Assert.False(await store.UpdateChildShardIdsAsync("shardId-000000000099", ["shardId-1"]));

        AssertSameLease(open, await store.GetLeaseAsync(ShardId));
        Assert.Empty((await store.GetLeaseAsync(ShardId))!.ChildShardIds);
        Assert.Null(await store.GetLeaseAsync("shardId-000000000099"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpdateChildShardIdsAsync(ShardId, []));
    }

    [Fact]
    public async Task SetStreamName_RecordsTheStreamOfALeaseThatNamesNone_Once_WithoutTouchingOwnerOrCounter()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 5 });

        Assert.True(await store.SetStreamNameAsync(ShardId, "orders"));
        Assert.False(await store.SetStreamNameAsync(ShardId, "payments"));
        Assert.False(await store.SetStreamNameAsync("shardId-000000000099", "orders"));

        var stored = await store.GetLeaseAsync(ShardId);
        Assert.NotNull(stored);
        Assert.Equal("orders", stored.StreamName);
        Assert.Equal(WorkerA, stored.LeaseOwner);
        Assert.Equal(5, stored.LeaseCounter);
        Assert.Null(await store.GetLeaseAsync("shardId-000000000099"));

        // The owner's view is still current, and later writes keep the stream.
        Assert.NotNull(await store.RenewLeaseAsync(lease));
        Assert.Equal("orders", (await store.GetLeaseAsync(ShardId))!.StreamName);
    }

    [Fact]
    public async Task CreateLease_KeepsTheStreamItNames()
    {
        var store = await CreateStoreAsync();

        await CreateAsync(store, NewLease() with { StreamName = "orders" });

        Assert.Equal("orders", (await store.GetLeaseAsync(ShardId))!.StreamName);
        Assert.Equal("orders", Assert.Single(await store.ListLeasesAsync()).StreamName);
    }

    [Fact]
    public async Task DeleteLease_IsConditionalOnTheCounter()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 2 });
        var renewed = await store.RenewLeaseAsync(lease);
        Assert.NotNull(renewed);

        Assert.False(await store.DeleteLeaseAsync(lease));
        Assert.NotNull(await store.GetLeaseAsync(ShardId));

        Assert.True(await store.DeleteLeaseAsync(renewed));
        Assert.Null(await store.GetLeaseAsync(ShardId));
        Assert.False(await store.DeleteLeaseAsync(renewed));
    }

    [Fact]
    public async Task ListLeases_ReturnsEveryLease_OrderedByKey()
    {
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 25).Select(i => $"shardId-{i:D12}").Reverse().ToArray();
        foreach (var key in keys)
        {
            Assert.True(await store.CreateLeaseIfNotExistsAsync(NewLease(key)));
        }

        var leases = await store.ListLeasesAsync();

        Assert.Equal(keys.Order(StringComparer.Ordinal), leases.Select(l => l.LeaseKey));
    }

    [Theory]
    [InlineData("TRIM_HORIZON", 0)]
    [InlineData("LATEST", 0)]
    [InlineData("AT_TIMESTAMP", 0)]
    [InlineData("SHARD_END", 0)]
    [InlineData("49590338271490256608559692538361571095921575989136588898", 0)]
    [InlineData("49590338271490256608559692538361571095921575989136588898", 41)]
    public async Task Lease_RoundTripsEveryAttribute(string sequenceNumber, long subSequenceNumber)
    {
        var store = await CreateStoreAsync();
        var lease = new Lease
        {
            LeaseKey = "shardId-000000000007",
            LeaseOwner = WorkerA,
            LeaseCounter = 123_456_789_012,
            Checkpoint = new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber),
            PendingCheckpoint = new ExtendedSequenceNumber("49590338271490256608559692540925702759324208523137515618", 3),
            OwnerSwitchesSinceCheckpoint = 4,
            ParentShardIds = ["shardId-000000000003", "shardId-000000000004"],
            ChildShardIds = ["shardId-000000000009", "shardId-000000000010"],
            StartingHashKey = "0",
            EndingHashKey = "340282366920938463463374607431768211455",
            HandoffRequestedBy = WorkerB,
        };

        Assert.True(await store.CreateLeaseIfNotExistsAsync(lease));

        AssertSameLease(lease, await store.GetLeaseAsync(lease.LeaseKey));
        AssertSameLease(lease, Assert.Single(await store.ListLeasesAsync()));
    }

    [Fact]
    public async Task Lease_WithOnlyRequiredAttributes_RoundTrips()
    {
        var store = await CreateStoreAsync();
        var lease = NewLease();

        Assert.True(await store.CreateLeaseIfNotExistsAsync(lease));

        var stored = await store.GetLeaseAsync(ShardId);
        AssertSameLease(lease, stored);
        Assert.Null(stored!.LeaseOwner);
        Assert.Null(stored.PendingCheckpoint);
        Assert.Empty(stored.ParentShardIds);
        Assert.Empty(stored.ChildShardIds);
    }

    [Fact]
    public async Task ConcurrentTakes_OfOneLease_ExactlyOneWins()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseCounter = 20 });
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var takes = Enumerable.Range(0, 10)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await store.TakeLeaseAsync(lease, $"worker-{i}");
            }))
            .ToArray();
        start.SetResult();
        var results = await Task.WhenAll(takes);

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(21, winner!.LeaseCounter);
        Assert.Equal(1, winner.OwnerSwitchesSinceCheckpoint);
        AssertSameLease(winner, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task PrepareCheckpoint_ByItsOwner_StoresThePendingCheckpoint_AndTheNextCheckpointClearsIt()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 4, Checkpoint = new ExtendedSequenceNumber("100") });

        var prepared = await store.PrepareCheckpointAsync(lease, new ExtendedSequenceNumber("200", 3));

        Assert.NotNull(prepared);
        Assert.Equal(5, prepared.LeaseCounter);
        Assert.Equal(new ExtendedSequenceNumber("100"), prepared.Checkpoint);
        Assert.Equal(new ExtendedSequenceNumber("200", 3), prepared.PendingCheckpoint);
        AssertSameLease(prepared, await store.GetLeaseAsync(ShardId));

        var committed = await store.UpdateCheckpointAsync(prepared, new ExtendedSequenceNumber("200", 3));
        Assert.NotNull(committed);
        Assert.Equal(new ExtendedSequenceNumber("200", 3), committed.Checkpoint);
        Assert.Null(committed.PendingCheckpoint);
        AssertSameLease(committed, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task PrepareCheckpoint_WithApplicationState_StoresIt_APlainPrepareRemovesIt_AndTheCheckpointClearsIt()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1, Checkpoint = new ExtendedSequenceNumber("100") });

        var prepared = await store.PrepareCheckpointAsync(lease, new ExtendedSequenceNumber("200", 1), [0, 1, 0xFE, 0xFF]);

        Assert.NotNull(prepared);
        Assert.Equal(new byte[] { 0, 1, 0xFE, 0xFF }, prepared.PendingCheckpointState);
        var read = await store.GetLeaseAsync(ShardId);
        AssertSameLease(prepared, read);
        Assert.Equal(new ExtendedSequenceNumber("200", 1), read!.PendingCheckpoint);

        var plain = await store.PrepareCheckpointAsync(read, new ExtendedSequenceNumber("300"));
        Assert.Null(plain!.PendingCheckpointState);
        AssertSameLease(plain, await store.GetLeaseAsync(ShardId));

        var withState = await store.PrepareCheckpointAsync(plain, new ExtendedSequenceNumber("300"), [7]);
        var committed = await store.UpdateCheckpointAsync(withState!, new ExtendedSequenceNumber("300"));
        Assert.Null(committed!.PendingCheckpoint);
        Assert.Null(committed.PendingCheckpointState);
        AssertSameLease(committed, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task PrepareCheckpoint_AfterAnotherWorkerTookTheLease_ReturnsNull_AndChangesNothing()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1 });
        var stolen = await store.TakeLeaseAsync(lease, WorkerB);

        Assert.Null(await store.PrepareCheckpointAsync(lease, new ExtendedSequenceNumber("300")));

        AssertSameLease(stolen!, await store.GetLeaseAsync(ShardId));
    }

    [Fact]
    public async Task EvictLease_ByAWorkerThatDoesNotOwnIt_ReturnsNull_AndKeepsTheOwner()
    {
        var store = await CreateStoreAsync();
        var lease = await CreateAsync(store, NewLease() with { LeaseOwner = WorkerA, LeaseCounter = 1 });

        Assert.Null(await store.EvictLeaseAsync(lease with { LeaseOwner = WorkerB }));

        Assert.Equal(WorkerA, (await store.GetLeaseAsync(ShardId))!.LeaseOwner);
    }

    [Fact]
    public async Task MultiStreamLeaseKeys_OfTwoStreams_AreIndependentLeases()
    {
        var store = await CreateStoreAsync();
        var orders = await CreateAsync(store, NewLease("orders:" + ShardId));
        var payments = await CreateAsync(store, NewLease("payments:" + ShardId));

        var taken = await store.TakeLeaseAsync(orders, WorkerA);

        Assert.NotNull(taken);
        Assert.Equal(["orders:" + ShardId, "payments:" + ShardId], (await store.ListLeasesAsync()).Select(l => l.LeaseKey));
        AssertSameLease(payments, await store.GetLeaseAsync("payments:" + ShardId));
        Assert.Equal(WorkerA, (await store.GetLeaseAsync("orders:" + ShardId))!.LeaseOwner);
    }

    private static Lease NewLease(string leaseKey = ShardId) => new()
    {
        LeaseKey = leaseKey,
        Checkpoint = ExtendedSequenceNumber.TrimHorizon,
    };

    private static async Task<Lease> CreateAsync(ILeaseStore store, Lease lease)
    {
        Assert.True(await store.CreateLeaseIfNotExistsAsync(lease));
        return lease;
    }

    // Lease is a record, but its lists compare by reference; compare attribute by attribute.
    private static void AssertSameLease(Lease expected, Lease? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.LeaseKey, actual.LeaseKey);
        Assert.Equal(expected.LeaseOwner, actual.LeaseOwner);
        Assert.Equal(expected.LeaseCounter, actual.LeaseCounter);
        Assert.Equal(expected.Checkpoint, actual.Checkpoint);
        Assert.Equal(expected.PendingCheckpoint, actual.PendingCheckpoint);
        Assert.Equal(expected.PendingCheckpointState, actual.PendingCheckpointState);
        Assert.Equal(expected.OwnerSwitchesSinceCheckpoint, actual.OwnerSwitchesSinceCheckpoint);
        Assert.Equal(expected.ParentShardIds, actual.ParentShardIds);
        Assert.Equal(expected.ChildShardIds, actual.ChildShardIds);
        Assert.Equal(expected.StartingHashKey, actual.StartingHashKey);
        Assert.Equal(expected.EndingHashKey, actual.EndingHashKey);
        Assert.Equal(expected.HandoffRequestedBy, actual.HandoffRequestedBy);
        Assert.Equal(expected.StreamName, actual.StreamName);
    }
}
