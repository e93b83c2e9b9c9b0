using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Testing;

/// <summary>
/// Kinesis in memory: streams, shards with hash-key ranges, sequence numbers, shard iterators and records, with
/// the service's routing (MD5 of the partition key) and error types. Handlers can be tested without any server,
/// and the sample runs with nothing installed. Thread-safe.
/// </summary>
public sealed partial class InMemoryKinesisClient : IKinesisClient
{
    private static readonly BigInteger MaxHashKey = BigInteger.Pow(2, 128) - 1;
    private readonly object _gate = new();
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Shard>> _listShardsTokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextSequence = 1;
    private long _getRecordsCalls;

    /// <summary>Creates an empty service.</summary>
    /// <param name="timeProvider">The clock for arrival timestamps; null for the system clock.</param>
    public InMemoryKinesisClient(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>How many GetRecords calls were served.</summary>
    public long GetRecordsCallCount => Interlocked.Read(ref _getRecordsCalls);

    /// <inheritdoc />
    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        if (shardCount is < 1 or > 10_000)
        {
            throw Invalid($"CreateStream '{streamName}': shard count {shardCount} is outside 1..10000.");
        }

        lock (_gate)
        {
            if (_streams.ContainsKey(streamName))
            {
                throw InUse($"CreateStream: stream '{streamName}' already exists.");
            }

            var stream = new StreamState(streamName);
            var width = (MaxHashKey + 1) / shardCount;
            for (var i = 0; i < shardCount; i++)
            {
                var start = width * i;
                var end = i == shardCount - 1 ? MaxHashKey : (width * (i + 1)) - 1;
                stream.Shards.Add(new ShardState($"shardId-{i:D12}", start, end, NextSequence(), _time.GetUtcNow()));
            }

            _streams[streamName] = stream;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var stream = Find(streamName, "DescribeStreamSummary");
            return Task.FromResult(new StreamSummary
            {
                StreamName = streamName,
                StreamArn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{streamName}",
                StreamStatus = "ACTIVE",
                OpenShardCount = stream.Shards.Count(s => !s.Closed),
                RetentionPeriodHours = 24,
            });
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Pages with <see cref="ListShardsRequest.MaxResults"/> (default 1,000) and <see cref="ListShardsRequest.NextToken"/>,
    /// and applies <see cref="ListShardsRequest.ShardFilter"/> and <see cref="ListShardsRequest.ExclusiveStartShardId"/>
    /// as Kinesis does, so code that pages and filters is tested here even though kinesalite ignores both.
    /// </remarks>
    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (request.MaxResults is < 1 or > 10_000)
            {
                throw Invalid($"ListShards: MaxResults {request.MaxResults} is outside 1..10000.");
            }

            List<Shard> remaining;
            if (request.NextToken is { } token)
            {
                if (!_listShardsTokens.Remove(token, out var pending))
                {
                    throw Invalid("ListShards: the NextToken is not one this service issued (or was used already).");
                }

                remaining = pending;
            }
            else
            {
                var streamName = request.StreamName ?? StreamNameOf(request.StreamArn)
                    ?? throw Invalid("ListShards: StreamName or StreamARN is required.");
                var stream = Find(streamName, "ListShards");
                remaining = stream.Shards
                    .Where(s => Matches(stream, s, request.ShardFilter))
                    .Where(s => request.ExclusiveStartShardId is null || string.CompareOrdinal(s.ShardId, request.ExclusiveStartShardId) > 0)
                    .Select(ToShard)
                    .ToList();
            }

            var take = Math.Min(request.MaxResults ?? 1000, remaining.Count);
            var page = remaining.GetRange(0, take);
            string? next = null;
            if (take < remaining.Count)
            {
                next = Guid.NewGuid().ToString("N");
                _listShardsTokens[next] = remaining.GetRange(take, remaining.Count - take);
            }

            return Task.FromResult(new ListShardsResponse { Shards = page, NextToken = next });
        }
    }

    private static string? StreamNameOf(string? streamArn)
    {
        if (streamArn is null)
        {
            return null;
        }

        var slash = streamArn.LastIndexOf(":stream/", StringComparison.Ordinal);
        return slash < 0 ? throw Invalid($"ListShards: '{streamArn}' is not a stream ARN.") : streamArn[(slash + 8)..];
    }

    private static bool Matches(StreamState stream, ShardState shard, ShardFilter? filter)
    {
        bool IsOriginal() => shard.ParentShardId is null || stream.Shards.All(s => s.ShardId != shard.ParentShardId);
        return filter?.Type switch
        {
            null or ShardFilterType.FromTrimHorizon => true,
            ShardFilterType.AfterShardId => string.CompareOrdinal(shard.ShardId, filter.ShardId) > 0,
            ShardFilterType.AtTrimHorizon => IsOriginal(),
            ShardFilterType.AtLatest => !shard.Closed,
            ShardFilterType.AtTimestamp => (IsOriginal() || shard.CreatedAt <= filter.Timestamp) && (shard.ClosedAt is null || shard.ClosedAt > filter.Timestamp),
            ShardFilterType.FromTimestamp => shard.ClosedAt is null || shard.ClosedAt >= filter.Timestamp,
            _ => throw Invalid($"ListShards: unknown shard filter {filter.Type}."),
        };
    }

    private static Shard ToShard(ShardState s) => new()
    {
        ShardId = s.ShardId,
        ParentShardId = s.ParentShardId,
        AdjacentParentShardId = s.AdjacentParentShardId,
        StartingHashKey = s.StartingHashKey.ToString(CultureInfo.InvariantCulture),
        EndingHashKey = s.EndingHashKey.ToString(CultureInfo.InvariantCulture),
        StartingSequenceNumber = s.StartingSequenceNumber,
        EndingSequenceNumber = s.Closed ? s.EndingSequenceNumber : null,
    };

    /// <inheritdoc />
    public Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var shard = FindShard(request.StreamName, request.ShardId, "GetShardIterator");
            var index = request.IteratorType switch
            {
                ShardIteratorType.TrimHorizon => 0,
                ShardIteratorType.Latest => shard.Records.Count,
                ShardIteratorType.AtSequenceNumber => IndexOf(shard, request.StartingSequenceNumber, after: false),
                ShardIteratorType.AfterSequenceNumber => IndexOf(shard, request.StartingSequenceNumber, after: true),
                ShardIteratorType.AtTimestamp => FirstAtOrAfter(shard, request.Timestamp ?? throw Invalid("GetShardIterator: AT_TIMESTAMP needs a Timestamp.")),
                _ => throw Invalid($"GetShardIterator: unknown iterator type {request.IteratorType}."),
            };
            return Task.FromResult(Iterator(request.StreamName, shard.ShardId, index));
        }
    }

    /// <inheritdoc />
    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _getRecordsCalls);
        var (streamName, shardId, index) = ParseIterator(request.ShardIterator);
        var limit = request.Limit ?? 10_000;
        if (limit is < 1 or > 10_000)
        {
            throw Invalid($"GetRecords: limit {limit} is outside 1..10000.");
        }

        lock (_gate)
        {
            var shard = FindShard(streamName, shardId, "GetRecords");
            var count = Math.Min(limit, shard.Records.Count - index);
            var records = shard.Records.GetRange(index, count);
            var next = index + count;
            var atEnd = shard.Closed && next >= shard.Records.Count;
            var behind = next >= shard.Records.Count || shard.Records[^1].ApproximateArrivalTimestamp is not { } newest || records.Count == 0
                ? 0
                : (long)(newest - records[^1].ApproximateArrivalTimestamp!.Value).TotalMilliseconds;
            return Task.FromResult(new GetRecordsResponse
            {
                Records = records,
                NextShardIterator = atEnd ? null : Iterator(streamName, shardId, next),
                MillisBehindLatest = behind,
                ChildShards = atEnd ? ChildrenOf(FindStream(streamName), shardId) : null,
            });
        }
    }

    /// <inheritdoc />
    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        if (request.Records.Count is < 1 or > 500)
        {
            throw Invalid($"PutRecords '{request.StreamName}': {request.Records.Count} records; a call takes 1 to 500.");
        }

        lock (_gate)
        {
            var stream = Find(request.StreamName, "PutRecords");
            var results = new List<PutRecordsResultEntry>(request.Records.Count);
            foreach (var entry in request.Records)
            {
                if (entry.Data.Length > 1024 * 1024)
                {
                    throw Invalid($"PutRecords '{request.StreamName}': a record of {entry.Data.Length} bytes exceeds 1 MiB.");
                }

                var hash = entry.ExplicitHashKey is { } explicitKey
                    ? BigInteger.Parse(explicitKey, CultureInfo.InvariantCulture)
                    : HashOf(entry.PartitionKey);
                var shard = stream.Shards.First(s => !s.Closed && s.StartingHashKey <= hash && hash <= s.EndingHashKey);
                var sequence = NextSequence();
                shard.Records.Add(new KinesisRecord
                {
                    SequenceNumber = sequence,
                    PartitionKey = entry.PartitionKey,
                    Data = entry.Data.ToArray(),
                    ApproximateArrivalTimestamp = _time.GetUtcNow(),
                });
                results.Add(new PutRecordsResultEntry { SequenceNumber = sequence, ShardId = shard.ShardId });
            }

            Changed();
            return Task.FromResult(new PutRecordsResponse { FailedRecordCount = 0, Records = results });
        }
    }

    /// <inheritdoc />
    public async Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await PutRecordsAsync(
            new PutRecordsRequest
            {
                StreamName = request.StreamName,
                Records = [new PutRecordsRequestEntry { Data = request.Data, PartitionKey = request.PartitionKey, ExplicitHashKey = request.ExplicitHashKey }],
            },
            cancellationToken).ConfigureAwait(false);
        var entry = result.Records[0];
        return new PutRecordResponse { ShardId = entry.ShardId!, SequenceNumber = entry.SequenceNumber!, EncryptionType = "NONE" };
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Find(streamName, "DeleteStream");
            _streams.Remove(streamName);
            Changed();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var after = request.NextToken ?? request.ExclusiveStartStreamName;
            var names = _streams.Keys
                .Where(n => after is null || string.CompareOrdinal(n, after) > 0)
                .Order(StringComparer.Ordinal)
                .ToList();
            var limit = request.Limit ?? 100;
            var page = names.Take(limit).ToList();
            var more = names.Count > page.Count;
            return Task.FromResult(new ListStreamsResponse { StreamNames = page, HasMoreStreams = more, NextToken = more ? page[^1] : null });
        }
    }

    /// <inheritdoc />
    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        if (!BigInteger.TryParse(request.NewStartingHashKey, NumberStyles.None, CultureInfo.InvariantCulture, out var hashKey))
        {
            throw Invalid($"SplitShard '{request.StreamName}': NewStartingHashKey '{request.NewStartingHashKey}' is not a decimal hash key.");
        }

        SplitShard(request.StreamName, request.ShardToSplit, hashKey);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        MergeShards(request.StreamName, request.ShardToMerge, request.AdjacentShardToMerge);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Reshards to <see cref="UpdateShardCountRequest.TargetShardCount"/> open shards by splitting the widest open shard
    /// in half, or merging the narrowest adjacent pair, one step at a time, so every new shard has lineage as on Kinesis.
    /// Like the service, it accepts a target between half and double the open shard count.
    /// </summary>
    public Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var stream = Find(request.StreamName, "UpdateShardCount");
            var current = stream.Shards.Count(s => !s.Closed);
            if (request.TargetShardCount < 1 || request.TargetShardCount > current * 2 || request.TargetShardCount * 2 < current)
            {
                throw Invalid(
                    $"UpdateShardCount '{request.StreamName}': target {request.TargetShardCount} must be between half and double the {current} open shards.");
            }

            while (stream.Shards.Count(s => !s.Closed) < request.TargetShardCount)
            {
                var widest = stream.Shards.Where(s => !s.Closed).MaxBy(s => s.EndingHashKey - s.StartingHashKey)!;
                SplitShard(request.StreamName, widest.ShardId, widest.StartingHashKey + ((widest.EndingHashKey - widest.StartingHashKey + 1) / 2));
            }

            while (stream.Shards.Count(s => !s.Closed) > request.TargetShardCount)
            {
                var open = stream.Shards.Where(s => !s.Closed).OrderBy(s => s.StartingHashKey).ToList();
                var pair = Enumerable.Range(0, open.Count - 1)
                    .MinBy(i => open[i + 1].EndingHashKey - open[i].StartingHashKey);
                MergeShards(request.StreamName, open[pair].ShardId, open[pair + 1].ShardId);
            }

            return Task.FromResult(new UpdateShardCountResponse
            {
                StreamName = request.StreamName,
                CurrentShardCount = current,
                TargetShardCount = request.TargetShardCount,
            });
        }
    }

    /// <summary>
    /// Splits an open shard at <paramref name="newStartingHashKey"/> into two children; the parent closes and
    /// keeps its records. Returns the children's ids.
    /// </summary>
    public (string Left, string Right) SplitShard(string streamName, string shardId, BigInteger newStartingHashKey)
    {
        lock (_gate)
        {
            var stream = Find(streamName, "SplitShard");
            var parent = FindShard(streamName, shardId, "SplitShard");
            if (parent.Closed || newStartingHashKey <= parent.StartingHashKey || newStartingHashKey > parent.EndingHashKey)
            {
                throw Invalid($"SplitShard: cannot split '{shardId}' at {newStartingHashKey}.");
            }

            parent.Close(LastSequenceOf(parent), _time.GetUtcNow());
            var left = new ShardState($"shardId-{stream.Shards.Count:D12}", parent.StartingHashKey, newStartingHashKey - 1, NextSequence(), _time.GetUtcNow()) { ParentShardId = shardId };
            stream.Shards.Add(left);
            var right = new ShardState($"shardId-{stream.Shards.Count:D12}", newStartingHashKey, parent.EndingHashKey, NextSequence(), _time.GetUtcNow()) { ParentShardId = shardId };
            stream.Shards.Add(right);
            Changed();
            return (left.ShardId, right.ShardId);
        }
    }

    /// <summary>
    /// Merges two open shards with adjacent hash-key ranges into one child; both parents close and keep their
    /// records. Returns the child's id.
    /// </summary>
    public string MergeShards(string streamName, string shardId, string adjacentShardId)
    {
        lock (_gate)
        {
            var stream = Find(streamName, "MergeShards");
            var first = FindShard(streamName, shardId, "MergeShards");
            var second = FindShard(streamName, adjacentShardId, "MergeShards");
            var (low, high) = first.StartingHashKey < second.StartingHashKey ? (first, second) : (second, first);
            if (first.Closed || second.Closed || low.EndingHashKey + 1 != high.StartingHashKey)
            {
                throw Invalid($"MergeShards: '{shardId}' and '{adjacentShardId}' are not two open shards with adjacent hash-key ranges.");
            }

            first.Close(LastSequenceOf(first), _time.GetUtcNow());
            second.Close(LastSequenceOf(second), _time.GetUtcNow());
            var child = new ShardState($"shardId-{stream.Shards.Count:D12}", low.StartingHashKey, high.EndingHashKey, NextSequence(), _time.GetUtcNow())
            {
                ParentShardId = shardId,
                AdjacentParentShardId = adjacentShardId,
            };
            stream.Shards.Add(child);
            Changed();
            return child.ShardId;
        }
    }

    private static string LastSequenceOf(ShardState shard) => shard.Records.Count > 0 ? shard.Records[^1].SequenceNumber : shard.StartingSequenceNumber;

    private static List<ChildShard> ChildrenOf(StreamState stream, string shardId) =>
        [.. stream.Shards
            .Where(s => s.ParentShardId == shardId || s.AdjacentParentShardId == shardId)
            .Select(s => new ChildShard
            {
                ShardId = s.ShardId,
                ParentShards = new[] { s.ParentShardId, s.AdjacentParentShardId }.OfType<string>().ToList(),
                StartingHashKey = s.StartingHashKey.ToString(CultureInfo.InvariantCulture),
                EndingHashKey = s.EndingHashKey.ToString(CultureInfo.InvariantCulture),
            })];

    // Kinesis routes a record by the MD5 of its partition key; MD5 is the protocol here, not a security measure.
#pragma warning disable CA5351
    private static BigInteger HashOf(string partitionKey)
        => new(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true);
#pragma warning restore CA5351

    private static int IndexOf(ShardState shard, string? sequenceNumber, bool after)
    {
        // Kinesis answers a missing or non-numeric sequence number with InvalidArgumentException, as this does.
        if (string.IsNullOrEmpty(sequenceNumber)
            || !BigInteger.TryParse(sequenceNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
        {
            throw Invalid(
                $"GetShardIterator on shard '{shard.ShardId}': StartingSequenceNumber '{sequenceNumber}' is not a sequence number.");
        }

        var index = shard.Records.FindIndex(r => r.SequenceNumber == sequenceNumber);
        if (index < 0)
        {
            // A sequence number between records (or trimmed) positions at the next record after it.
            index = shard.Records.FindIndex(r => BigInteger.Parse(r.SequenceNumber, CultureInfo.InvariantCulture) > target);
            return index < 0 ? shard.Records.Count : index;
        }

        return after ? index + 1 : index;
    }

    private static int FirstAtOrAfter(ShardState shard, DateTimeOffset timestamp)
    {
        var index = shard.Records.FindIndex(r => r.ApproximateArrivalTimestamp >= timestamp);
        return index < 0 ? shard.Records.Count : index;
    }

    private static string Iterator(string streamName, string shardId, int index)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{streamName}\n{shardId}\n{index.ToString(CultureInfo.InvariantCulture)}"));

    private static (string Stream, string Shard, int Index) ParseIterator(string iterator)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(iterator)).Split('\n');
            return (parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw Invalid("GetRecords: the shard iterator is not one this service issued.");
        }
    }

    private string NextSequence()
    {
        var n = _nextSequence++;
        return "4960" + n.ToString("D52", CultureInfo.InvariantCulture);
    }

    private StreamState Find(string streamName, string operation) => FindStream(streamName)
        ?? throw new ResourceNotFoundException($"{operation}: stream '{streamName}' not found.");

    private StreamState FindStream(string streamName) => _streams.GetValueOrDefault(streamName)!;

    private ShardState FindShard(string streamName, string shardId, string operation)
        => Find(streamName, operation).Shards.FirstOrDefault(s => s.ShardId == shardId)
           ?? throw new ResourceNotFoundException($"{operation}: shard '{shardId}' not found in stream '{streamName}'.");

    private sealed class StreamState(string name)
    {
        public string Name { get; } = name;

        public List<ShardState> Shards { get; } = [];
    }

    private sealed class ShardState(string shardId, BigInteger start, BigInteger end, string startingSequence, DateTimeOffset createdAt)
    {
        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset? ClosedAt { get; private set; }

        public string ShardId { get; } = shardId;

        public BigInteger StartingHashKey { get; } = start;

        public BigInteger EndingHashKey { get; } = end;

        public string StartingSequenceNumber { get; } = startingSequence;

        public string? ParentShardId { get; init; }

        public string? AdjacentParentShardId { get; init; }

        public List<KinesisRecord> Records { get; } = [];

        public bool Closed { get; private set; }

        public string? EndingSequenceNumber { get; private set; }

        public void Close(string endingSequence, DateTimeOffset closedAt)
        {
            Closed = true;
            ClosedAt = closedAt;
            EndingSequenceNumber = endingSequence;
        }
    }

    // The errors Kinesis answers with; no caller handles them apart, so they are KinesisExceptions with the AWS error type.
    private static KinesisException Invalid(string message) => new("InvalidArgumentException", message, System.Net.HttpStatusCode.BadRequest);

    private static KinesisException InUse(string message) => new("ResourceInUseException", message, System.Net.HttpStatusCode.BadRequest);

}
