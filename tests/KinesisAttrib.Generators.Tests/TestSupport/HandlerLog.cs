using System.Collections.Concurrent;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>
/// What test handlers (compiled in memory) received. It lives in the test assembly, which the in-memory compilations
/// reference, so tests read it with ordinary types instead of reflection.
/// </summary>
public sealed class HandlerLog
{
    private readonly ConcurrentQueue<HandledRecord> _records = new();

    public IReadOnlyList<HandledRecord> Records => [.. _records];

    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public void Add(HandledRecord record)
    {
        _records.Enqueue(record);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => _records.Count >= w.Count))
            {
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> calls were logged; fails after <paramref name="timeout"/>.</summary>
    public Task WhenCountReaches(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((count, done));
            if (_records.Count >= count)
            {
                done.TrySetResult();
            }
        }

        return done.Task.WaitAsync(timeout);
    }
}

/// <summary>One call of a test handler.</summary>
public sealed record HandledRecord(
    string Handler,
    string Payload,
    string StreamName,
    string ApplicationName,
    string ShardId,
    string SequenceNumber,
    long SubSequenceNumber,
    string PartitionKey,
    bool CanBeCanceled);
