using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Reads one shard with GetShardIterator/GetRecords. It tracks the last record it returned, so an expired iterator
/// is replaced by one just after that record (nothing skipped, nothing repeated), and <see cref="ResetTo"/> rewinds
/// to a checkpoint when a batch has to be delivered again.
/// </summary>
internal sealed class PollingRecordFetcher
{
    private readonly IKinesisClient _kinesis;
    private readonly string _streamName;
    private readonly string _shardId;
    private readonly int _maxRecords;
    private readonly DateTimeOffset? _initialTimestamp;
    private string? _iterator;
    private ExtendedSequenceNumber _position;

    public PollingRecordFetcher(IKinesisClient kinesis, string streamName, string shardId, int maxRecords, ExtendedSequenceNumber start, DateTimeOffset? initialTimestamp = null)
    {
        _initialTimestamp = initialTimestamp;
        _kinesis = kinesis;
        _streamName = streamName;
        _shardId = shardId;
        _maxRecords = maxRecords;
        _position = start;
    }

    /// <summary>The position after which the next fetch reads.</summary>
    public ExtendedSequenceNumber Position => _position;

    /// <summary>Makes the next fetch start just after <paramref name="position"/>.</summary>
    public void ResetTo(ExtendedSequenceNumber position)
    {
        _position = position;
        _iterator = null;
    }

    /// <summary>Reads the next batch; throws <see cref="KinesisException"/> on service errors other than an expired iterator.</summary>
    public async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            _iterator ??= await GetIteratorAsync(cancellationToken).ConfigureAwait(false);
            GetRecordsResponse response;
            try
            {
                response = await _kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = _iterator, Limit = _maxRecords }, cancellationToken).ConfigureAwait(false);
            }
            catch (ExpiredIteratorException) when (attempt < 2)
            {
                _iterator = null;
                continue;
            }

            var records = new KinesisClientRecord[response.Records.Count];
            for (var i = 0; i < records.Length; i++)
            {
                var r = response.Records[i];
                records[i] = new KinesisClientRecord(r.SequenceNumber, 0, r.PartitionKey, r.Data, r.ApproximateArrivalTimestamp);
            }

            if (records.Length > 0)
            {
                _position = records[^1].Position;
            }

            _iterator = response.NextShardIterator;
            return new FetchResult(records, response.MillisBehindLatest, response.NextShardIterator is null, response.ChildShards);
        }
    }

    private Task<string> GetIteratorAsync(CancellationToken cancellationToken)
    {
        var request = _position.SequenceNumber switch
        {
            "TRIM_HORIZON" => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.TrimHorizon },
            "LATEST" => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.Latest },
            "AT_TIMESTAMP" when _initialTimestamp is { } timestamp => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = timestamp },
            "SHARD_END" or "AT_TIMESTAMP" => throw new InvalidOperationException($"Shard '{_shardId}' cannot be read from {_position.SequenceNumber}."),
            _ => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AfterSequenceNumber, StartingSequenceNumber = _position.SequenceNumber },
        };
        return _kinesis.GetShardIteratorAsync(request, cancellationToken);
    }
}

/// <summary>One GetRecords result, decoded.</summary>
/// <param name="Records">The records, in shard order.</param>
/// <param name="MillisBehindLatest">How far behind the tip of the shard.</param>
/// <param name="IsShardEnd">The shard is closed and every record has been read.</param>
/// <param name="ChildShards">The children reported at shard end, when the service reports them.</param>
internal sealed record FetchResult(IReadOnlyList<KinesisClientRecord> Records, long? MillisBehindLatest, bool IsShardEnd, IReadOnlyList<ChildShard>? ChildShards);
