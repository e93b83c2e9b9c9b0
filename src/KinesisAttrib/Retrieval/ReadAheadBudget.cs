namespace KinesisAttrib.Retrieval;

/// <summary>
/// The bytes every read-ahead buffer of a worker holds together, against one cap: a shard reads ahead only while the
/// worker is under it, so memory stays bounded however many shards a worker holds (it may exceed the cap by at most
/// one batch per shard: a read in flight when the cap was reached still lands). Thread-safe.
/// </summary>
/// <param name="maxBytes">The cap.</param>
internal sealed class ReadAheadBudget(long maxBytes)
{
    private readonly object _gate = new();
    private long _used;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The cap.</summary>
    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "The read-ahead budget must be positive.");

    /// <summary>The bytes buffered now.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>Completes when the worker's buffers hold less than the cap.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_gate)
            {
                if (_used < MaxBytes)
                {
                    return;
                }

                released = _released.Task;
            }

            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts bytes a buffer took.</summary>
    public void Take(long bytes)
    {
        lock (_gate)
        {
            _used += bytes;
        }
    }

    /// <summary>Gives back bytes a buffer handed on or dropped.</summary>
    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        TaskCompletionSource released;
        lock (_gate)
        {
            _used -= bytes;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }
}
