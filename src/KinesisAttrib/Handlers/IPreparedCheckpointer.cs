namespace KinesisAttrib.Handlers;

/// <summary>A checkpoint stored as pending by <see cref="IRecordProcessorCheckpointer.PrepareCheckpointAsync(CancellationToken)"/>, to be committed.</summary>
public interface IPreparedCheckpointer
{
    /// <summary>The prepared position.</summary>
    ExtendedSequenceNumber PendingCheckpoint { get; }

    /// <summary>The application state stored with it, or null.</summary>
    byte[]? ApplicationState => null;

    /// <summary>
    /// Second phase: writes the prepared position as the checkpoint and clears the pending one. Throws
    /// <see cref="LeaseLostException"/> when the lease was lost in between (nothing is written).
    /// </summary>
    ValueTask CheckpointAsync(CancellationToken cancellationToken = default);
}
