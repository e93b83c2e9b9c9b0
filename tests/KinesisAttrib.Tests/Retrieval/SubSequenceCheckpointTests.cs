using KinesisAttrib.Handlers;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// The checkpointer with KPL positions: any user record of the delivered part of an aggregate can be checkpointed,
/// nothing past the last one delivered, nothing before the last checkpoint; (sequence, sub-sequence) compare as pairs.
/// </summary>
public sealed class SubSequenceCheckpointTests
{
    private const string Aggregate = "49590338271490256608559692538361571095921575989136588898";
    private const string Next = "49590338271490256608559692538361571095921575989136588899";

    [Fact]
    public async Task ACheckpointInsideTheDeliveredPartOfAnAggregate_IsStoredWithItsSubSequenceNumber()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.TrimHorizon);
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber(Aggregate, 9);

        await checkpointer.CheckpointAsync(Aggregate, 3);
        Assert.Equal(new ExtendedSequenceNumber(Aggregate, 3), (await store.GetLeaseAsync("s-0"))!.Checkpoint);

        await checkpointer.CheckpointAsync(Aggregate, 9);
        Assert.Equal(new ExtendedSequenceNumber(Aggregate, 9), (await store.GetLeaseAsync("s-0"))!.Checkpoint);
    }

    [Fact]
    public async Task ACheckpointPastTheLastDeliveredUserRecord_OfTheSameAggregate_IsRefused()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.TrimHorizon);
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber(Aggregate, 4);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(Aggregate, 5).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(Next, 0).AsTask());
        Assert.Equal(ExtendedSequenceNumber.TrimHorizon, (await store.GetLeaseAsync("s-0"))!.Checkpoint);
    }

    [Fact]
    public async Task ACheckpointBeforeTheLastOne_InsideTheSameAggregate_IsRefused()
    {
        var (checkpointer, _) = await ShardCheckpointerArrangement.CreateAsync(new ExtendedSequenceNumber(Aggregate, 3));
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber(Next);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(Aggregate, 2).AsTask());
        await checkpointer.CheckpointAsync(Aggregate, 3);
        await checkpointer.CheckpointAsync(Aggregate, 7);
        Assert.Equal(new ExtendedSequenceNumber(Aggregate, 7), checkpointer.LastCheckpoint);
    }

    [Fact]
    public async Task ANegativeSubSequenceNumber_IsRefused()
    {
        var (checkpointer, store) = await ShardCheckpointerArrangement.CreateAsync(ExtendedSequenceNumber.TrimHorizon);
        checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber(Aggregate, 4);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(Aggregate, -1).AsTask());
        Assert.Contains("cannot be negative", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.PrepareCheckpointAsync(Aggregate, -1).AsTask());
        Assert.Equal(ExtendedSequenceNumber.TrimHorizon, (await store.GetLeaseAsync("s-0"))!.Checkpoint);
    }

    [Fact]
    public void Positions_CompareBySequenceNumberFirst_ThenSubSequenceNumber()
    {
        Assert.True(ExtendedSequenceNumber.Compare(new(Aggregate, 9), new(Next, 0)) < 0);
        Assert.True(ExtendedSequenceNumber.Compare(new(Aggregate, 3), new(Aggregate, 4)) < 0);
        Assert.Equal(0, ExtendedSequenceNumber.Compare(new(Aggregate, 4), new("0" + Aggregate, 4)));
        Assert.True(ExtendedSequenceNumber.Compare(new("9", 100), new("10", 0)) < 0);
        Assert.Equal($"{Aggregate}/3", new ExtendedSequenceNumber(Aggregate, 3).ToString());
    }
}
