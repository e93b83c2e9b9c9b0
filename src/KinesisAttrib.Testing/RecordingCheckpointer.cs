using KinesisAttrib.Handlers;

namespace KinesisAttrib.Testing;

/// <summary>
/// An <see cref="IRecordProcessorCheckpointer"/> for unit tests of handlers: it writes nothing and remembers every
/// checkpoint asked for, in order. Positions are checked as the runtime checks them (not before the last checkpoint,
/// not past <see cref="LargestPermittedCheckpoint"/>), so a handler that checkpoints a record it was not given fails
/// here as it would in production.
/// </summary>
public sealed class RecordingCheckpointer : IRecordProcessorCheckpointer
{
    private readonly object _gate = new();
    private readonly List<ExtendedSequenceNumber> _checkpoints = [];
    private readonly List<RecordedPreparedCheckpoint> _prepared = [];
    private ExtendedSequenceNumber _last;
    private ExtendedSequenceNumber _largest;

    /// <summary>Creates a checkpointer for <paramref name="shardId"/> that permits checkpoints up to <paramref name="largestPermittedCheckpoint"/>.</summary>
    /// <param name="largestPermittedCheckpoint">The last record delivered (or <see cref="ExtendedSequenceNumber.ShardEnd"/>); by default the last record of <paramref name="records"/>.</param>
    /// <param name="records">The records the handler is given; sets the largest permitted checkpoint to the last of them.</param>
    /// <param name="shardId">The shard; <see cref="KinesisTestData.ShardId"/> by default.</param>
    public RecordingCheckpointer(IEnumerable<KinesisClientRecord>? records = null, ExtendedSequenceNumber? largestPermittedCheckpoint = null, string? shardId = null)
    {
        ShardId = shardId ?? KinesisTestData.ShardId;
        _last = ExtendedSequenceNumber.TrimHorizon;
        _largest = largestPermittedCheckpoint
            ?? (records?.LastOrDefault() is { } lastRecord ? lastRecord.Position : ExtendedSequenceNumber.TrimHorizon);
    }

    /// <inheritdoc />
    public string ShardId { get; }

    /// <inheritdoc />
    public ExtendedSequenceNumber LastCheckpoint
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <inheritdoc />
    public ExtendedSequenceNumber LargestPermittedCheckpoint
    {
        get
        {
            lock (_gate)
            {
                return _largest;
            }
        }
    }

    /// <summary>Every checkpoint written, in order (committed two-phase checkpoints included).</summary>
    public IReadOnlyList<ExtendedSequenceNumber> Checkpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _checkpoints];
            }
        }
    }

    /// <summary>Every prepared (first-phase) checkpoint, in order, with its application state and whether it was committed.</summary>
    public IReadOnlyList<RecordedPreparedCheckpoint> PreparedCheckpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _prepared];
            }
        }
    }

    /// <summary>Lets further checkpoints go up to <paramref name="position"/> (as the runtime does when it delivers more records).</summary>
    public void PermitUpTo(ExtendedSequenceNumber position)
    {
        lock (_gate)
        {
            _largest = position;
        }
    }

    /// <inheritdoc />
    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => Write(LargestPermittedCheckpoint);

    /// <inheritdoc />
    public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Write(record.Position);
    }

    /// <inheritdoc />
    public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
        => Write(new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber));

    /// <inheritdoc />
    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        var largest = LargestPermittedCheckpoint;
        return PrepareCheckpointAsync(largest.SequenceNumber, largest.SubSequenceNumber, applicationState, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(sequenceNumber, subSequenceNumber, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber, byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        var position = new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber);
        lock (_gate)
        {
            Validate(position);
            var index = _prepared.Count;
            _prepared.Add(new RecordedPreparedCheckpoint(position, applicationState?.ToArray(), Committed: false));
            return new ValueTask<IPreparedCheckpointer>(new Prepared(this, index, position, applicationState));
        }
    }

    private ValueTask Write(ExtendedSequenceNumber position)
    {
        lock (_gate)
        {
            Validate(position);
            _checkpoints.Add(position);
            _last = position;
        }

        return ValueTask.CompletedTask;
    }

    // Under _gate. The same bounds as the runtime's checkpointer.
    private void Validate(ExtendedSequenceNumber position)
    {
        ArgumentException.ThrowIfNullOrEmpty(position.SequenceNumber, "sequenceNumber");
        if (position.IsShardEnd)
        {
            if (!_largest.IsShardEnd)
            {
                throw new InvalidOperationException($"SHARD_END can only be checkpointed at the end of a closed shard; the largest permitted checkpoint is {_largest}.");
            }

            return;
        }

        if (_largest.IsSentinel && !_largest.IsShardEnd)
        {
            throw new InvalidOperationException($"No record was delivered, so there is nothing to checkpoint at {position} (pass the records to the {nameof(RecordingCheckpointer)}).");
        }

        if (!_largest.IsShardEnd && ExtendedSequenceNumber.Compare(position, _largest) > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Checkpoint {position} is past the last record delivered, {_largest}.");
        }

        if (!_last.IsSentinel && ExtendedSequenceNumber.Compare(position, _last) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Checkpoint {position} is before the last checkpoint, {_last}.");
        }
    }

    private sealed class Prepared(RecordingCheckpointer owner, int index, ExtendedSequenceNumber position, byte[]? state) : IPreparedCheckpointer
    {
        public ExtendedSequenceNumber PendingCheckpoint => position;

        public byte[]? ApplicationState => state;

        public ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
        {
            lock (owner._gate)
            {
                owner._prepared[index] = owner._prepared[index] with { Committed = true };
            }

            return owner.Write(position);
        }
    }
}

/// <summary>A first-phase checkpoint a <see cref="RecordingCheckpointer"/> saw.</summary>
/// <param name="Position">The prepared position.</param>
/// <param name="ApplicationState">The state stored with it, or null.</param>
/// <param name="Committed">Whether its second phase ran.</param>
public sealed record RecordedPreparedCheckpoint(ExtendedSequenceNumber Position, byte[]? ApplicationState, bool Committed);
