namespace KinesisAttrib.Kinesis;

/// <summary>
/// The Kinesis Data Streams operations the runtime and its tools use. The production implementation is
/// <c>KinesisHttpClient</c> (JSON 1.1 over HTTPS, SigV4); <c>KinesisAttrib.Testing</c> provides an in-memory one.
/// </summary>
/// <remarks>
/// Implementations throw a <see cref="KinesisException"/> subtype for every error the service reports, so callers can
/// react to <see cref="ExpiredIteratorException"/>, <see cref="ProvisionedThroughputExceededException"/> and
/// <see cref="ResourceNotFoundException"/> without inspecting strings.
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
}
