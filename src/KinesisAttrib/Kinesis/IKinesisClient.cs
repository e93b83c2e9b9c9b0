namespace KinesisAttrib.Kinesis;

/// <summary>
/// The Kinesis Data Streams operations the runtime and its tools use. The production implementation is
/// <c>KinesisHttpClient</c> (JSON 1.1 over HTTPS, SigV4); <c>KinesisAttrib.Testing</c> provides an in-memory one.
/// </summary>
/// <remarks>
/// Implementations throw a <see cref="KinesisException"/> for every error the service reports, with the subtype callers
/// react to (<see cref="ExpiredIteratorException"/>, <see cref="ProvisionedThroughputExceededException"/>,
/// <see cref="ResourceNotFoundException"/>, ...) where there is one, so they need not inspect strings.
/// </remarks>
public interface IKinesisClient
{
    /// <summary>Creates a provisioned stream with <paramref name="shardCount"/> shards.</summary>
    Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default);

    /// <summary>Describes a stream without listing its shards.</summary>
    Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default);

    /// <summary>Lists one page of a stream's shards; follow <see cref="ListShardsResponse.NextToken"/> for more.</summary>
    Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns a shard iterator positioned as the request says.</summary>
    Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads records from a shard iterator.</summary>
    Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Writes up to 500 records; per-record failures are reported in the response, never dropped.</summary>
    Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default);

    // The members below came after the first release of this interface. They have default bodies so an
    // implementation written against the first version (a test double, say) still compiles; both shipped
    // implementations override every one of them.

    /// <summary>Writes one record.</summary>
    Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(PutRecordAsync));

    /// <summary>Starts deleting a stream; it is DELETING until it is gone.</summary>
    Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(DeleteStreamAsync));

    /// <summary>Lists one page of the account's stream names.</summary>
    Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(ListStreamsAsync));

    /// <summary>Starts splitting an open shard in two; the stream is UPDATING until the children exist.</summary>
    Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(SplitShardAsync));

    /// <summary>Starts merging two adjacent open shards; the stream is UPDATING until the child exists.</summary>
    Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(MergeShardsAsync));

    /// <summary>Starts resharding the stream to a number of open shards (uniform scaling).</summary>
    Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(UpdateShardCountAsync));

    /// <summary>Describes a registered stream consumer (enhanced fan-out).</summary>
    Task<StreamConsumer> DescribeStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(DescribeStreamConsumerAsync));

    /// <summary>Registers a stream consumer; it is CREATING until it turns ACTIVE.</summary>
    Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(RegisterStreamConsumerAsync));

    /// <summary>Starts deregistering a stream consumer; it is DELETING until it is gone.</summary>
    Task DeregisterStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(DeregisterStreamConsumerAsync));

    /// <summary>
    /// Opens a subscription to one shard for a registered consumer; returns once the service accepted it. A refusal
    /// (another subscription on the shard: <c>ResourceInUseException</c>; too many calls; unknown consumer) throws.
    /// </summary>
    Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default)
        => throw NotImplemented(nameof(SubscribeToShardAsync));

    private NotSupportedException NotImplemented(string member) =>
        new($"{GetType().Name} does not implement IKinesisClient.{member}.");
}
