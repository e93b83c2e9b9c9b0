using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>How a generated processor runs its handler: the attribute's checkpoint and failure settings.</summary>
public sealed record HandlerSettings
{
    /// <summary>The handler's name for logs and errors, e.g. <c>Sample.OrderHandlers.OnOrder</c>.</summary>
    public string HandlerName { get; init; } = "handler";

    /// <summary>When progress is checkpointed.</summary>
    public CheckpointMode CheckpointMode { get; init; } = CheckpointMode.AfterEachBatch;

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: after this many handled records (0: no record limit).</summary>
    public int CheckpointEveryRecords { get; init; }

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: when this long passed since the last checkpoint (zero: no time limit).</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>What happens to a record that fails to deserialize.</summary>
    public DeserializationFailurePolicy DeserializationFailurePolicy { get; init; } = DeserializationFailurePolicy.StopShard;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (CheckpointEveryRecords < 0 || CheckpointInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"Handler {HandlerName}: CheckpointEveryRecords and CheckpointInterval must not be negative.");
        }

        if (CheckpointMode == CheckpointMode.Periodic && CheckpointEveryRecords == 0 && CheckpointInterval == TimeSpan.Zero)
        {
            throw new ArgumentException($"Handler {HandlerName}: CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero.");
        }

        if (!Enum.IsDefined(CheckpointMode) || !Enum.IsDefined(DeserializationFailurePolicy))
        {
            throw new ArgumentException($"Handler {HandlerName}: unknown CheckpointMode {CheckpointMode} or DeserializationFailurePolicy {DeserializationFailurePolicy}.");
        }
    }
}
