using System.Text.Json.Serialization;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.IntegrationTests.TestSupport;

public sealed record Reading(int Index, string Sensor);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Reading))]
public sealed partial class ReadingJsonContext : JsonSerializerContext;

/// <summary>What the generated processor delivered, in delivery order.</summary>
public sealed class ReadingCollector
{
    private readonly object _gate = new();
    private readonly List<(Reading Reading, string ShardId, string SequenceNumber)> _delivered = [];
    private TaskCompletionSource? _target;
    private int _targetCount;

    public IReadOnlyList<(Reading Reading, string ShardId, string SequenceNumber)> Delivered
    {
        get
        {
            lock (_gate)
            {
                return [.. _delivered];
            }
        }
    }

    public void Add(Reading reading, RecordContext context)
    {
        lock (_gate)
        {
            _delivered.Add((reading, context.ShardId, context.SequenceNumber));
            if (_target is not null && _delivered.Count >= _targetCount)
            {
                _target.TrySetResult();
            }
        }
    }

    public Task WhenCountReaches(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_delivered.Count >= count)
            {
                return Task.CompletedTask;
            }

            _targetCount = count;
            _target = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _target.Task.WaitAsync(timeout);
        }
    }
}

/// <summary>The handler under test: the generator turns it into a processor; the application name comes from options.</summary>
public sealed class ReadingHandler(ReadingCollector collector)
{
    [KinesisHandler("readings", JsonSerializerContext = typeof(ReadingJsonContext))]
    public Task OnReading(Reading reading, RecordContext record, CancellationToken cancellationToken)
    {
        collector.Add(reading, record);
        return Task.CompletedTask;
    }
}
