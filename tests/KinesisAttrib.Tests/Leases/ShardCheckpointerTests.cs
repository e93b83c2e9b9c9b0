using KinesisAttrib.Handlers;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Leases;

public sealed class ShardCheckpointerTests
{
    [Fact]
    public async Task Checkpoint_WritesTheLastDeliveredPosition()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.TrimHorizon);
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("120");

        await checkpointer.CheckpointAsync();

        Assert.Equal("120", (await store.GetLeaseAsync("s-0"))!.Checkpoint.SequenceNumber);
        Assert.Equal("120", checkpointer.LastCheckpoint.SequenceNumber);
    }

    [Fact]
    public async Task Checkpoint_BeyondTheLastDeliveredRecord_IsRefused()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.TrimHorizon);
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("120");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync("121").AsTask());

        Assert.Contains("beyond the last record delivered", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExtendedSequenceNumber.TrimHorizon, (await store.GetLeaseAsync("s-0"))!.Checkpoint);
    }

    [Fact]
    public async Task Checkpoint_BeforeTheLastCheckpoint_IsRefused()
    {
        var (checkpointer, _) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("150");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync("90").AsTask());
        Assert.Contains("before the last checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_WhenNothingWasDelivered_RefusesARecordPosition()
    {
        var (checkpointer, _) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.Latest);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync("5").AsTask());
    }

    [Fact]
    public async Task Checkpoint_AtShardEnd_RecordsShardEnd()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = ExtendedSequenceNumber.ShardEnd;

        await checkpointer.CheckpointAsync();

        Assert.True((await store.GetLeaseAsync("s-0"))!.Checkpoint.IsShardEnd);
    }
    [Fact]
    public async Task PrepareCheckpoint_StoresAPendingCheckpointOnly_AndCommitWritesIt()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("150", 2);
        IRecordProcessorCheckpointer contract = checkpointer;

        var prepared = await contract.PrepareCheckpointAsync();

        var stored = (await store.GetLeaseAsync("s-0"))!;
        Assert.Equal(new ExtendedSequenceNumber("100"), stored.Checkpoint);
        Assert.Equal(new ExtendedSequenceNumber("150", 2), stored.PendingCheckpoint);
        Assert.Equal(new ExtendedSequenceNumber("150", 2), prepared.PendingCheckpoint);

        await prepared.CheckpointAsync();

        stored = (await store.GetLeaseAsync("s-0"))!;
        Assert.Equal(new ExtendedSequenceNumber("150", 2), stored.Checkpoint);
        Assert.Null(stored.PendingCheckpoint);
        Assert.Equal(new ExtendedSequenceNumber("150", 2), checkpointer.LastCheckpoint);
    }

    [Fact]
    public async Task PrepareCheckpoint_BeyondTheLastDeliveredRecord_IsRefused_AndWritesNothing()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("150");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.PrepareCheckpointAsync("151").AsTask());

        Assert.Null((await store.GetLeaseAsync("s-0"))!.PendingCheckpoint);
    }

    [Fact]
    public async Task CommitOfAPreparedCheckpoint_AfterTheLeaseWasTaken_ThrowsLeaseLost_AndKeepsTheNewOwnersLease()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("150");
        var prepared = await checkpointer.PrepareCheckpointAsync("140");
        var stolen = await store.TakeLeaseAsync((await store.GetLeaseAsync("s-0"))!, "b");

        await Assert.ThrowsAsync<LeaseLostException>(() => prepared.CheckpointAsync().AsTask());

        var stored = (await store.GetLeaseAsync("s-0"))!;
        Assert.Equal(stolen!.LeaseCounter, stored.LeaseCounter);
        Assert.Equal(new ExtendedSequenceNumber("100"), stored.Checkpoint);
        Assert.Equal(new ExtendedSequenceNumber("140"), stored.PendingCheckpoint);
    }

    [Fact]
    public async Task Checkpoint_AtTheLastCheckpoint_ClearsAPendingCheckpoint()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber("100"));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("150");
        await checkpointer.PrepareCheckpointAsync("150");

        await checkpointer.CheckpointAsync("100");

        Assert.Null((await store.GetLeaseAsync("s-0"))!.PendingCheckpoint);
    }
}
