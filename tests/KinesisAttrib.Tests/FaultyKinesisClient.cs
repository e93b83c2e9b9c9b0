using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests;

/// <summary>Wraps a Kinesis client and makes some GetRecords calls fail the way the service does.</summary>
internal sealed class FaultyKinesisClient(IKinesisClient inner) : IKinesisClient
{
    private int _calls;

    /// <summary>Every n-th GetRecords call fails with an expired iterator (0: never).</summary>
    public int ExpireEvery { get; init; }

    /// <summary>Every n-th GetRecords call is throttled (0: never).</summary>
    public int ThrottleEvery { get; init; }

    /// <summary>Every n-th GetRecords call fails in transport after the service answered (0: never).</summary>
    public int LoseResponseEvery { get; init; }

    public int Faults { get; private set; }

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default) => inner.CreateStreamAsync(streamName, shardCount, cancellationToken);

    public Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default) => inner.DescribeStreamSummaryAsync(streamName, cancellationToken);

    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) => inner.ListShardsAsync(request, cancellationToken);

    public Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) => inner.GetShardIteratorAsync(request, cancellationToken);

    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) => inner.PutRecordsAsync(request, cancellationToken);

    public Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default) => inner.PutRecordAsync(request, cancellationToken);

    public Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default) => inner.DeleteStreamAsync(streamName, cancellationToken);

    public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) => inner.ListStreamsAsync(request, cancellationToken);

    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) => inner.SplitShardAsync(request, cancellationToken);

    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) => inner.MergeShardsAsync(request, cancellationToken);

    public Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default) => inner.UpdateShardCountAsync(request, cancellationToken);

    public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        if (ExpireEvery > 0 && call % ExpireEvery == 0)
        {
            Faults++;
            throw new ExpiredIteratorException("GetRecords: Iterator expired (injected).");
        }

        if (ThrottleEvery > 0 && call % ThrottleEvery == 0)
        {
            Faults++;
            throw new ProvisionedThroughputExceededException("GetRecords: Rate exceeded for shard (injected).");
        }

        var response = await inner.GetRecordsAsync(request, cancellationToken);
        if (LoseResponseEvery > 0 && call % LoseResponseEvery == 0)
        {
            // The service served the read but the answer never arrived: the same iterator must be usable again.
            Faults++;
            throw new KinesisException("Transport", "GetRecords: connection reset (injected).");
        }

        return response;
    }
}
