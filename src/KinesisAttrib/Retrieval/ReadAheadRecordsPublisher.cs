using System.Runtime.ExceptionServices;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Reads a shard ahead of its handler (the KCL's prefetching retrieval): a background read loop keeps up to
/// <see cref="ReadAheadLimits"/> of fetched batches waiting, so the next GetRecords runs while the handler works
/// instead of after it. The inner publisher still paces the calls (5 per second, 2 MiB/s, the idle time after an
/// empty read), and it is only ever called by one loop at a time.
/// </summary>
/// <remarks>
/// Batches come out in the order they were read; an error ends the read loop and comes out after the batches read
/// before it, so the consumer sees it as it would without read-ahead (the position did not move; its next call
/// starts a new loop that reads the same records again). <see cref="ResetTo"/> (a failed batch, a suspended lease)
/// drops everything buffered and restarts from the position given; disposing (a lost lease, shutdown) stops the loop.
/// An empty read is buffered only when nothing else waits, so idle polling cannot fill the buffer.
/// </remarks>
internal sealed class ReadAheadRecordsPublisher : IRecordsPublisher
{
    private readonly IRecordsPublisher _inner;
    private readonly ReadAheadLimits _limits;
    private readonly ReadAheadBudget _budget;
    private readonly object _gate = new();
    private readonly Queue<Buffered> _buffered = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _generation;
    private int _bufferedRecords;
    private long _bufferedBytes;
    private ExtendedSequenceNumber? _pendingReset;
    private CancellationTokenSource? _loopCts;
    private Task? _loop;

    /// <summary>Reads <paramref name="inner"/> ahead within <paramref name="limits"/> and the worker's <paramref name="budget"/>.</summary>
    public ReadAheadRecordsPublisher(IRecordsPublisher inner, ReadAheadLimits limits, ReadAheadBudget budget)
    {
        if (!limits.Enabled || limits.MaxRecords < 1 || limits.MaxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), limits, "Read-ahead needs at least one batch, one record and one byte.");
        }

        _inner = inner;
        _limits = limits;
        _budget = budget;
    }

    /// <summary>The batches waiting now (for tests and the benchmark).</summary>
    internal int BufferedBatches
    {
        get
        {
            lock (_gate)
            {
                return _buffered.Count;
            }
        }
    }

    /// <summary>The bytes waiting now.</summary>
    internal long BufferedBytes
    {
        get
        {
            lock (_gate)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <inheritdoc />
    public async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        await EnsureLoopAsync().ConfigureAwait(false);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_buffered.TryDequeue(out var next))
                {
                    _bufferedRecords -= next.Records;
                    _bufferedBytes -= next.Bytes;
                    _budget.Release(next.Bytes);
                    Signal();
                    if (next.Error is { } error)
                    {
                        error.Throw();
                    }

                    return next.Batch!;
                }

                changed = _changed.Task;
            }

            if (_loop is { IsCompleted: true })
            {
                // The loop ended without leaving anything (it only ends on an error, the shard's end or a stop, and
                // leaves a batch for the first two): read on from where it stopped.
                await EnsureLoopAsync().ConfigureAwait(false);
                continue;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void ResetTo(ExtendedSequenceNumber position)
    {
        CancellationTokenSource? loopCts;
        lock (_gate)
        {
            _pendingReset = position;
            _generation++;
            DropBuffered();
            loopCts = _loopCts;
        }

        loopCts?.Cancel();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _generation++;
            DropBuffered();
        }

        await StopLoopAsync().ConfigureAwait(false);
        lock (_gate)
        {
            DropBuffered();
        }

        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    private static long BytesOf(IReadOnlyList<KinesisClientRecord> records)
    {
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Data.Length + record.PartitionKey.Length;
        }

        return bytes;
    }

    // Starts the read loop when none runs, first applying a pending rewind (after the old loop has stopped, so the
    // inner publisher is never used by two loops).
    private async Task EnsureLoopAsync()
    {
        ExtendedSequenceNumber? reset;
        lock (_gate)
        {
            reset = _pendingReset;
            if (reset is null && _loop is { IsCompleted: false })
            {
                return;
            }
        }

        await StopLoopAsync().ConfigureAwait(false);
        lock (_gate)
        {
            if (_pendingReset is { } position)
            {
                _inner.ResetTo(position);
                _pendingReset = null;
                DropBuffered();
            }

            if (_buffered.Count > 0)
            {
                // An error or the shard's end is still waiting to be taken: no new loop before it is.
                return;
            }

            _loopCts = new CancellationTokenSource();
            var generation = _generation;
            var token = _loopCts.Token;
            _loop = Task.Run(() => ReadLoopAsync(generation, token), CancellationToken.None);
        }
    }

    private async Task StopLoopAsync()
    {
        Task? loop;
        CancellationTokenSource? loopCts;
        lock (_gate)
        {
            (loop, loopCts) = (_loop, _loopCts);
            (_loop, _loopCts) = (null, null);
        }

        if (loopCts is null)
        {
            return;
        }

        await loopCts.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        loopCts.Dispose();
    }

    private async Task ReadLoopAsync(int generation, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await WaitForRoomAsync(generation, cancellationToken).ConfigureAwait(false);
                FetchResult batch;
                try
                {
                    batch = await _inner.FetchAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Add(generation, new Buffered(null, ExceptionDispatchInfo.Capture(ex), 0, 0));
                    return;
                }

                var buffered = new Buffered(batch, null, batch.Records.Count, BytesOf(batch.Records));
                if (!Add(generation, buffered) || batch.IsShardEnd)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Reset, disposed or stopped: whoever cancelled decides what comes next.
        }
    }

    // Buffers what the loop read, unless a rewind made it stale. False when the loop should stop.
    private bool Add(int generation, Buffered buffered)
    {
        lock (_gate)
        {
            if (generation != _generation)
            {
                return false;
            }

            if (buffered.Batch is { Records.Count: 0, IsShardEnd: false } && _buffered.Count > 0)
            {
                // Nothing new, and the handler has batches waiting anyway.
                return true;
            }

            _buffered.Enqueue(buffered);
            _bufferedRecords += buffered.Records;
            _bufferedBytes += buffered.Bytes;
            _budget.Take(buffered.Bytes);
            Signal();
            return true;
        }
    }

    // Room in this shard's buffer, and in the worker's budget unless this buffer is empty: a shard whose handler
    // waits for its next batch always reads it, so shards that hold the budget (a paused handler) never starve it.
    private async Task WaitForRoomAsync(int generation, CancellationToken cancellationToken)
    {
        bool empty;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (generation != _generation)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                empty = _buffered.Count == 0;
                if (_buffered.Count < _limits.MaxBatches && _bufferedRecords < _limits.MaxRecords && _bufferedBytes < _limits.MaxBytes)
                {
                    break;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!empty)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(_budget.WaitForRoomAsync(either.Token), EmptiedAsync(either.Token)).ConfigureAwait(false);
            await either.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await first.ConfigureAwait(false);
        }
    }

    // Completes when the handler has taken everything buffered (it is waiting for the next batch).
    private async Task EmptiedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_buffered.Count == 0)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Under the gate.
    private void DropBuffered()
    {
        _budget.Release(_bufferedBytes);
        _buffered.Clear();
        _bufferedRecords = 0;
        _bufferedBytes = 0;
        Signal();
    }

    // Under the gate: wakes the consumer waiting for a batch and the loop waiting for room.
    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private sealed record Buffered(FetchResult? Batch, ExceptionDispatchInfo? Error, int Records, long Bytes);
}
