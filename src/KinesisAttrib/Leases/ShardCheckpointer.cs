using KinesisAttrib.Handlers;

namespace KinesisAttrib.Leases;

/// <summary>The checkpointer of one shard consumer: validates positions and writes them through the lease coordinator.</summary>
/// <remarks>
/// A write returns once the checkpoint is stored (transient failures are retried by the writer) or throws
/// <see cref="LeaseLostException"/>. A suspended lease cancels the processor's token for the batch, to stop work in
/// progress, but a checkpoint of work already done goes on: a write made with that token uses the consumer's
/// hard-stop token instead (see <see cref="UseTokens"/>).
/// </remarks>
internal sealed class ShardCheckpointer : IRecordProcessorCheckpointer
{
    private readonly LeaseCoordinator _coordinator;
    private readonly HeldLease _lease;
    private CancellationToken _processing;
    private CancellationToken _writes;

    public ShardCheckpointer(LeaseCoordinator coordinator, HeldLease lease)
    {
        _coordinator = coordinator;
        _lease = lease;
        ShardId = coordinator.Keys.ShardIdOf(lease.LeaseKey);
        LastCheckpoint = lease.Current.Checkpoint;
        LargestPermittedCheckpoint = LastCheckpoint;
    }

    public string ShardId { get; }

    public ExtendedSequenceNumber LastCheckpoint { get; private set; }

    public ExtendedSequenceNumber LargestPermittedCheckpoint { get; internal set; }

    /// <summary>Sets the token the processor is given for a batch, and the one its checkpoint writes use in its place.</summary>
    internal void UseTokens(CancellationToken processing, CancellationToken writes)
    {
        _processing = processing;
        _writes = writes;
    }

    private CancellationToken ForWrite(CancellationToken cancellationToken) =>
        cancellationToken == _processing && _processing.CanBeCanceled ? _writes : cancellationToken;

    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
        => WriteAsync(LargestPermittedCheckpoint, cancellationToken);

    public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(record.Position, cancellationToken);
    }

    public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        return WriteAsync(new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber), cancellationToken);
    }

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(CancellationToken cancellationToken = default)
        => PrepareAsync(LargestPermittedCheckpoint, null, cancellationToken);

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(sequenceNumber, subSequenceNumber, null, cancellationToken);

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(byte[]? applicationState, CancellationToken cancellationToken = default)
        => PrepareAsync(LargestPermittedCheckpoint, applicationState, cancellationToken);

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber, byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        return PrepareAsync(new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber), applicationState, cancellationToken);
    }

    private async ValueTask<IPreparedCheckpointer> PrepareAsync(ExtendedSequenceNumber position, byte[]? applicationState, CancellationToken cancellationToken)
    {
        Validate(position);
        await _coordinator.PrepareCheckpointAsync(_lease, position, applicationState, ForWrite(cancellationToken)).ConfigureAwait(false);
        return new Prepared(this, position, applicationState);
    }

    private async ValueTask WriteAsync(ExtendedSequenceNumber position, CancellationToken cancellationToken)
    {
        if (position == LastCheckpoint && _lease.Current.PendingCheckpoint is null)
        {
            return;
        }

        Validate(position);
        await _coordinator.CheckpointAsync(_lease, position, ForWrite(cancellationToken)).ConfigureAwait(false);
        LastCheckpoint = position;
    }

    private void Validate(ExtendedSequenceNumber position)
    {
        if (position.SubSequenceNumber < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position.ToString(), $"Cannot checkpoint shard '{ShardId}' at {position}: a sub-sequence number cannot be negative.");
        }

        var nothingDelivered = LargestPermittedCheckpoint.IsSentinel && !LargestPermittedCheckpoint.IsShardEnd;
        if (position != LargestPermittedCheckpoint && (nothingDelivered || ExtendedSequenceNumber.Compare(position, LargestPermittedCheckpoint) > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(position), position.ToString(), $"Cannot checkpoint shard '{ShardId}' at {position}: it is beyond the last record delivered ({LargestPermittedCheckpoint}).");
        }

        // A start sentinel (TRIM_HORIZON, LATEST, AT_TIMESTAMP) precedes every record of the shard.
        var lastIsStart = LastCheckpoint.IsSentinel && !LastCheckpoint.IsShardEnd;
        if (!lastIsStart && ExtendedSequenceNumber.Compare(position, LastCheckpoint) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position.ToString(), $"Cannot checkpoint shard '{ShardId}' at {position}: it is before the last checkpoint ({LastCheckpoint}).");
        }

        if (position.IsSentinel && !position.IsShardEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position.ToString(), $"Cannot checkpoint shard '{ShardId}' at {position}: only record positions and SHARD_END can be checkpointed.");
        }
    }

    private sealed class Prepared(ShardCheckpointer owner, ExtendedSequenceNumber position, byte[]? applicationState) : IPreparedCheckpointer
    {
        public ExtendedSequenceNumber PendingCheckpoint => position;

        public byte[]? ApplicationState => applicationState;

        public async ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
        {
            // Checked again: a one-phase checkpoint may have moved past the prepared position meanwhile.
            owner.Validate(position);
            await owner._coordinator.CheckpointAsync(owner._lease, position, owner.ForWrite(cancellationToken)).ConfigureAwait(false);
            owner.LastCheckpoint = position;
        }
    }
}
