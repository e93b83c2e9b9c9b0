using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A hand-written processor that records what it was given and checkpoints after each batch.</summary>
internal sealed class RecordingProcessor(RecordingSink sink) : IShardRecordProcessor
{
    private string _shardId = "";

    public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
    {
        _shardId = input.ShardId;
        sink.Initialized.Enqueue((input.ShardId, input.ExtendedSequenceNumber));
        return default;
    }

    public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
    {
        foreach (var record in input.Records)
        {
            if (sink.FailOnce is { } poison && Encoding.UTF8.GetString(record.Data.Span) == poison && sink.TryConsumeFailure())
            {
                throw new InvalidOperationException($"poison {poison}");
            }

            sink.Add(_shardId, record);
        }

        if (sink.BatchGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        await input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken)
    {
        sink.Endings.Enqueue((_shardId, "LeaseLost"));
        return default;
    }

    public async ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken)
    {
        sink.Endings.Enqueue((_shardId, "ShardEnded"));
        await input.Checkpointer.CheckpointAsync(cancellationToken);
    }

    public async ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken)
    {
        sink.Endings.Enqueue((_shardId, "ShutdownRequested"));
        await input.Checkpointer.CheckpointAsync(cancellationToken);
    }
}

internal sealed class RecordingSink
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<KinesisClientRecord>> _byShard = new(StringComparer.Ordinal);
    private int _count;
    private int _failuresLeft = 1;
    private TaskCompletionSource? _target;
    private int _targetCount;

    public ConcurrentQueue<(string ShardId, ExtendedSequenceNumber Start)> Initialized { get; } = new();

    public ConcurrentQueue<(string ShardId, string Ending)> Endings { get; } = new();

    public string? FailOnce { get; init; }

    public TaskCompletionSource? BatchGate { get; set; }

    public int Count => Volatile.Read(ref _count);

    public bool TryConsumeFailure() => Interlocked.Decrement(ref _failuresLeft) == 0;

    public void Add(string shardId, KinesisClientRecord record)
    {
        lock (_gate)
        {
            if (!_byShard.TryGetValue(shardId, out var list))
            {
                _byShard[shardId] = list = [];
            }

            list.Add(record);
            _count++;
            if (_target is not null && _count >= _targetCount)
            {
                _target.TrySetResult();
            }
        }
    }

    public IReadOnlyDictionary<string, List<KinesisClientRecord>> ByShard()
    {
        lock (_gate)
        {
            return _byShard.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        }
    }

    public Task WhenCountReaches(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            _targetCount = count;
            _target = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _target.Task.WaitAsync(timeout);
        }
    }
}
