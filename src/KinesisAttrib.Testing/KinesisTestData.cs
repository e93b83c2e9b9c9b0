using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Testing;

/// <summary>
/// Builds what a handler receives (records, <see cref="RecordContext"/>, <see cref="BatchContext"/>) so a handler can be
/// called directly in a unit test. Records get increasing sequence numbers unless one is given.
/// </summary>
public static class KinesisTestData
{
    /// <summary>The stream name contexts get when none is given.</summary>
    public const string StreamName = "test-stream";

    /// <summary>The shard id contexts and checkpointers get when none is given.</summary>
    public const string ShardId = "shardId-000000000000";

    /// <summary>The application name contexts get when none is given.</summary>
    public const string ApplicationName = "test-app";

    /// <summary>The worker id contexts get when none is given.</summary>
    public const string WorkerId = "test-worker";

    /// <summary>The partition key records get when none is given.</summary>
    public const string PartitionKey = "test-key";

    // Shaped like Kinesis's 56-digit sequence numbers; increasing across the process, so records built one after the
    // other are in shard order.
    private static long s_next;

    /// <summary>A sequence number greater than every one handed out before.</summary>
    public static string NextSequenceNumber()
        => "4960" + Interlocked.Increment(ref s_next).ToString("D52", CultureInfo.InvariantCulture);

    /// <summary>A record with these bytes.</summary>
    public static KinesisClientRecord Record(ReadOnlyMemory<byte> data, string partitionKey = PartitionKey, string? sequenceNumber = null, DateTimeOffset? approximateArrivalTimestamp = null)
        => new(sequenceNumber ?? NextSequenceNumber(), 0, partitionKey, data, approximateArrivalTimestamp ?? DateTimeOffset.UtcNow);

    /// <summary>A record whose data is <paramref name="text"/> in UTF-8.</summary>
    public static KinesisClientRecord TextRecord(string text, string partitionKey = PartitionKey, string? sequenceNumber = null, DateTimeOffset? approximateArrivalTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Record(Encoding.UTF8.GetBytes(text), partitionKey, sequenceNumber, approximateArrivalTimestamp);
    }

    /// <summary>A record whose data is <paramref name="value"/> as JSON, written with source-generated metadata (e.g. <c>MyJsonContext.Default.Order</c>).</summary>
    public static KinesisClientRecord JsonRecord<T>(T value, JsonTypeInfo<T> jsonTypeInfo, string partitionKey = PartitionKey, string? sequenceNumber = null, DateTimeOffset? approximateArrivalTimestamp = null)
        => Record(JsonSerializer.SerializeToUtf8Bytes(value, jsonTypeInfo), partitionKey, sequenceNumber, approximateArrivalTimestamp);

    /// <summary>A record whose data is <paramref name="value"/> as JSON (camelCase names), written by reflection.</summary>
    [RequiresUnreferencedCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext for trimmed or AOT tests.")]
    [RequiresDynamicCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext for trimmed or AOT tests.")]
    public static KinesisClientRecord JsonRecord<T>(T value, string partitionKey = PartitionKey, string? sequenceNumber = null, DateTimeOffset? approximateArrivalTimestamp = null)
        => Record(JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), partitionKey, sequenceNumber, approximateArrivalTimestamp);

    /// <summary>A shard context; every part not given has the default of this class.</summary>
    public static ShardContext Shard(string? streamName = null, string? shardId = null, string? applicationName = null, string? workerId = null)
        => new(applicationName ?? ApplicationName, streamName ?? StreamName, shardId ?? ShardId, workerId ?? WorkerId);

    /// <summary>The <see cref="RecordContext"/> a per-record handler receives with <paramref name="record"/>.</summary>
    public static RecordContext RecordContext(KinesisClientRecord record, ShardContext? shard = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RecordContext(shard ?? Shard(), record);
    }

    /// <summary>The <see cref="BatchContext"/> a batch handler receives with <paramref name="records"/>.</summary>
    public static BatchContext BatchContext(IReadOnlyList<KinesisClientRecord> records, ShardContext? shard = null, long? millisBehindLatest = 0)
        => new(shard ?? Shard(), records, millisBehindLatest);

    /// <summary>
    /// The user records of a KPL aggregate as a handler receives them: each with the aggregate's sequence number, its own
    /// sub-sequence number (0, 1, ...), partition key and explicit hash key, and <see cref="KinesisClientRecord.Aggregated"/> set.
    /// </summary>
    public static IReadOnlyList<KinesisClientRecord> AggregatedRecords(KplAggregate aggregate, string? sequenceNumber = null, DateTimeOffset? approximateArrivalTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var sequence = sequenceNumber ?? NextSequenceNumber();
        var arrival = approximateArrivalTimestamp ?? DateTimeOffset.UtcNow;
        var records = new List<KinesisClientRecord>(aggregate.Count);
        for (var i = 0; i < aggregate.Count; i++)
        {
            var user = aggregate.UserRecords[i];
            records.Add(new KinesisClientRecord(sequence, i, user.PartitionKey, user.Data, arrival, user.ExplicitHashKey, aggregated: true));
        }

        return records;
    }
}
