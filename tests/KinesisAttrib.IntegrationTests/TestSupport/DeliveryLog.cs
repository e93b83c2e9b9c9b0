using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>One delivery of one record to one worker's processor, numbered in global delivery order.</summary>
internal sealed record Delivery(long Order, string Worker, string ShardId, string SequenceNumber, string PartitionKey, string Payload);

/// <summary>Every delivery made to any worker of a test, in global order, with a way to await a number of distinct payloads.</summary>
internal sealed class DeliveryLog
{
    private readonly object _gate = new();
    private readonly List<Delivery> _deliveries = [];
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public void Add(string worker, string shardId, KinesisClientRecord record)
    {
        var payload = Encoding.UTF8.GetString(record.Data.Span);
        lock (_gate)
        {
            _deliveries.Add(new Delivery(_deliveries.Count, worker, shardId, record.SequenceNumber, record.PartitionKey, payload));
            _distinct.Add(payload);
            foreach (var waiter in _waiters.Where(w => _distinct.Count >= w.Count))
            {
                waiter.Done.TrySetResult();
            }
        }
    }

    public IReadOnlyList<Delivery> Snapshot()
    {
        lock (_gate)
        {
            return [.. _deliveries];
        }
    }

    public int DistinctCount
    {
        get
        {
            lock (_gate)
            {
                return _distinct.Count;
            }
        }
    }

    /// <summary>Completes when <paramref name="count"/> distinct payloads were delivered; fails with what is missing after the timeout.</summary>
    public async Task WhenDistinctAsync(int count, TimeSpan timeout)
    {
        Task wait;
        lock (_gate)
        {
            if (_distinct.Count >= count)
            {
                return;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            wait = done.Task;
        }

        try
        {
            await wait.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Only {DistinctCount} of {count} records were delivered within {timeout.TotalSeconds:0} s.");
        }
    }
}

/// <summary>A processor that logs every record and checkpoints after each batch, at shard end and on shutdown.</summary>
internal sealed class LoggingProcessor(DeliveryLog log, string worker) : IShardRecordProcessor
{
    private string _shardId = "";

    public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
    {
        _shardId = input.ShardId;
        return default;
    }

    public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        foreach (var record in input.Records)
        {
            log.Add(worker, _shardId, record);
        }

        await input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

    public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

    public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);
}
