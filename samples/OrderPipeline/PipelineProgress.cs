using System.Collections.Concurrent;

namespace OrderPipeline;

/// <summary>Counts what each handler processed, per shard, and remembers which orders it has seen.</summary>
public sealed class PipelineProgress(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, HandlerCounts> _handlers = new(StringComparer.Ordinal);
    private long _lastRecordAt = time.GetTimestamp();

    public TimeSpan SinceLastRecord => time.GetElapsedTime(Interlocked.Read(ref _lastRecordAt));

    public void Processed(string handler, string shardId, string orderId)
    {
        var counts = _handlers.GetOrAdd(handler, _ => new HandlerCounts());
        counts.Records.AddOrUpdate(shardId, 1, (_, n) => n + 1);
        counts.Orders.TryAdd(orderId, 0);
        Interlocked.Exchange(ref _lastRecordAt, time.GetTimestamp());
    }

    /// <summary>Distinct orders a handler has processed (redeliveries count once).</summary>
    public int DistinctOrders(string handler) => _handlers.TryGetValue(handler, out var c) ? c.Orders.Count : 0;

    /// <summary>Records a handler processed (redeliveries count again), per shard.</summary>
    public IReadOnlyDictionary<string, long> RecordsPerShard(string handler)
        => _handlers.TryGetValue(handler, out var c) ? new SortedDictionary<string, long>(c.Records, StringComparer.Ordinal) : new SortedDictionary<string, long>();

    private sealed class HandlerCounts
    {
        public ConcurrentDictionary<string, long> Records { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte> Orders { get; } = new(StringComparer.Ordinal);
    }
}
