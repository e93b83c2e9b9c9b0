namespace KinesisAttrib.Kinesis;

/// <summary>A registered stream consumer (enhanced fan-out): its own 2 MiB/s per shard, pushed by SubscribeToShard.</summary>
public sealed record StreamConsumer
{
    /// <summary>The consumer's name, unique within its stream.</summary>
    public required string ConsumerName { get; init; }

    /// <summary>The consumer's ARN, which SubscribeToShard takes.</summary>
    public required string ConsumerArn { get; init; }

    /// <summary>CREATING, DELETING or ACTIVE; only an ACTIVE consumer can subscribe.</summary>
    public required string ConsumerStatus { get; init; }

    /// <summary>When the consumer was registered.</summary>
    public DateTimeOffset? ConsumerCreationTimestamp { get; init; }

    /// <summary>The stream's ARN, when the service reports it.</summary>
    public string? StreamArn { get; init; }
}

/// <summary>Which consumer DescribeStreamConsumer or DeregisterStreamConsumer means: its ARN, or its stream's ARN and its name.</summary>
public sealed record StreamConsumerRequest
{
    /// <summary>The stream's ARN (with <see cref="ConsumerName"/>).</summary>
    public string? StreamArn { get; init; }

    /// <summary>The consumer's name (with <see cref="StreamArn"/>).</summary>
    public string? ConsumerName { get; init; }

    /// <summary>The consumer's ARN, instead of the stream's ARN and the name.</summary>
    public string? ConsumerArn { get; init; }
}

/// <summary>A SubscribeToShard request: one shard, read by a registered consumer from a starting position.</summary>
public sealed record SubscribeToShardRequest
{
    /// <summary>The registered consumer's ARN.</summary>
    public required string ConsumerArn { get; init; }

    /// <summary>The shard.</summary>
    public required string ShardId { get; init; }

    /// <summary>Where the subscription starts (every iterator type but a shard iterator's own).</summary>
    public required ShardIteratorType StartingPositionType { get; init; }

    /// <summary>For <see cref="ShardIteratorType.AtSequenceNumber"/> and <see cref="ShardIteratorType.AfterSequenceNumber"/>.</summary>
    public string? StartingSequenceNumber { get; init; }

    /// <summary>For <see cref="ShardIteratorType.AtTimestamp"/>.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The stream, named in error messages only (the consumer ARN already identifies it).</summary>
    public string? StreamName { get; init; }
}

/// <summary>
/// One open SubscribeToShard subscription (one HTTP/2 stream). Events are read one at a time, only when asked for, so
/// a slow reader slows the server (HTTP/2 flow control) instead of filling memory.
/// </summary>
public interface IShardSubscription : IAsyncDisposable
{
    /// <summary>
    /// The next event; null when the subscription ended normally (Kinesis ends every subscription after 5 minutes;
    /// continue with a new one after the last <see cref="SubscribeToShardEvent.ContinuationSequenceNumber"/>).
    /// Errors the service sends in the stream, and a damaged stream, throw <see cref="KinesisException"/>s.
    /// </summary>
    /// <remarks>
    /// One call at a time. A call that throws or is cancelled ends the subscription (the HTTP client resets its HTTP/2
    /// stream at once); later calls throw <see cref="InvalidOperationException"/>: dispose it and subscribe again after
    /// the last delivered <see cref="SubscribeToShardEvent.ContinuationSequenceNumber"/>.
    /// </remarks>
    ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default);
}
