using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// A processor that wants a turn when a read returns no records (the KCL only calls processors with records). The
/// generated processors use it so a time-based periodic checkpoint is written on a quiet shard too, instead of waiting
/// for the next record that may not come before a deploy.
/// </summary>
internal interface IIdleShardProcessor
{
    /// <summary>Called after a read returned no records; <paramref name="checkpointer"/> covers what was delivered.</summary>
    ValueTask IdleAsync(IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken);
}
