using System.Diagnostics;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.IntegrationTests.Kinesis;

/// <summary>
/// <see cref="KinesisHttpClient"/> against the Kinesis emulator. Written to hold against real Kinesis too: no reliance
/// on emulator quirks (instant stream creation, ignored MaxResults, absent throttling).
/// </summary>
[Collection("emulators")]
public sealed class KinesisHttpClientTests(EmulatorFixture fixture) : IDisposable
{
    private const int ShardCount = 2;
    private const int RecordCount = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly KinesisHttpClient _client = new(new KinesisClientOptions
    {
        ServiceUrl = fixture.KinesisEndpoint,
        Region = EmulatorFixture.Region,
        Credentials = EmulatorFixture.Credentials,
        Timeout = TimeSpan.FromSeconds(10),
    });

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task CreateStream_PutRecords_AndReadThemBackPerShard_ByteForByteInOrder()
    {
        var stream = await CreateActiveStreamAsync();

        var page = await _client.ListShardsAsync(new ListShardsRequest { StreamName = stream });
        var shards = await ListAllShardsAsync(page);
        Assert.Equal(ShardCount, shards.Count);
        Assert.All(shards, shard =>
        {
            Assert.Null(shard.EndingSequenceNumber);
            Assert.Null(shard.ParentShardId);
            Assert.False(string.IsNullOrEmpty(shard.StartingSequenceNumber));
        });
        Assert.Equal("0", shards.OrderBy(s => System.Numerics.BigInteger.Parse(s.StartingHashKey, System.Globalization.CultureInfo.InvariantCulture)).First().StartingHashKey);

        var put = await PutBinaryRecordsAsync(stream);

        Assert.All(put.Values.SelectMany(list => list), p => Assert.Contains(shards, s => s.ShardId == p.ShardId));
        foreach (var shard in shards)
        {
            var expected = put.TryGetValue(shard.ShardId, out var list) ? list : [];
            var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
            {
                StreamName = stream,
                ShardId = shard.ShardId,
                IteratorType = ShardIteratorType.TrimHorizon,
            });

            var read = await ReadAsync(iterator, expected.Count);

            Assert.Equal(expected.Select(e => e.SequenceNumber), read.Select(r => r.SequenceNumber));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Data, read[i].Data.ToArray());
                Assert.Equal(expected[i].PartitionKey, read[i].PartitionKey);
                Assert.NotNull(read[i].ApproximateArrivalTimestamp);
                Assert.InRange(read[i].ApproximateArrivalTimestamp!.Value, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(10));
            }
        }
    }

    [Fact]
    public async Task Iterators_AtAndAfterSequenceNumber_AndLatest_StartWhereTheySay()
    {
        var stream = await CreateActiveStreamAsync();
        var put = await PutBinaryRecordsAsync(stream);
        var (shardId, records) = put.First(p => p.Value.Count >= 3);

        var after = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            IteratorType = ShardIteratorType.AfterSequenceNumber,
            StartingSequenceNumber = records[0].SequenceNumber,
        });
        var afterRead = await ReadAsync(after, records.Count - 1);
        Assert.Equal(records.Skip(1).Select(r => r.SequenceNumber), afterRead.Select(r => r.SequenceNumber));

        var at = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            IteratorType = ShardIteratorType.AtSequenceNumber,
            StartingSequenceNumber = records[1].SequenceNumber,
        });
        var atRead = await ReadAsync(at, records.Count - 1);
        Assert.Equal(records.Skip(1).Select(r => r.SequenceNumber), atRead.Select(r => r.SequenceNumber));
        Assert.Equal(records[1].Data, atRead[0].Data.ToArray());

        // LATEST sees nothing already written, then exactly what is written after it.
        var latest = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            IteratorType = ShardIteratorType.Latest,
        });
        var nothing = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = latest });
        Assert.Empty(nothing.Records);
        Assert.NotNull(nothing.NextShardIterator);

        byte[] newData = [0xDE, 0xAD, 0x00, 0xBE, 0xEF];
        var putAfter = await _client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = stream,
            Records = [new PutRecordsRequestEntry { Data = newData, PartitionKey = records[0].PartitionKey }],
        });
        Assert.Equal(0, putAfter.FailedRecordCount);
        Assert.Equal(shardId, putAfter.Records[0].ShardId);

        var fresh = await ReadAsync(nothing.NextShardIterator!, 1);
        Assert.Equal(putAfter.Records[0].SequenceNumber, Assert.Single(fresh).SequenceNumber);
        Assert.Equal(newData, fresh[0].Data.ToArray());
    }

    [Fact]
    public async Task Iterator_AtTimestamp_BeforeTheFirstRecord_StartsAtTheFirstRecord()
    {
        var stream = await CreateActiveStreamAsync();
        // A margin for clock skew between this machine and the service; the stream is new, so nothing precedes it.
        var before = DateTimeOffset.UtcNow.AddSeconds(-30);
        var put = await PutBinaryRecordsAsync(stream);
        var (shardId, records) = put.First();

        // Only ever ask AT_TIMESTAMP where a record follows the timestamp: the emulator never answers otherwise.
        var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            IteratorType = ShardIteratorType.AtTimestamp,
            Timestamp = before,
        });
        var read = await ReadAsync(iterator, records.Count);

        Assert.Equal(records.Select(r => r.SequenceNumber), read.Take(records.Count).Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task GetRecords_RespectsTheLimit()
    {
        var stream = await CreateActiveStreamAsync();
        var put = await PutBinaryRecordsAsync(stream);
        var (shardId, records) = put.First(p => p.Value.Count >= 3);
        var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream,
            ShardId = shardId,
            IteratorType = ShardIteratorType.TrimHorizon,
        });

        var response = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 2 });

        // Real Kinesis may return fewer than asked (even none) on a call; never more.
        Assert.InRange(response.Records.Count, 0, 2);
        Assert.Equal(records.Take(response.Records.Count).Select(r => r.SequenceNumber), response.Records.Select(r => r.SequenceNumber));
        Assert.NotNull(response.NextShardIterator);
    }

    [Fact]
    public async Task MissingStream_IsResourceNotFound()
    {
        var missing = "kinesisattrib-missing-" + Guid.NewGuid().ToString("N")[..12];

        var describe = await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.DescribeStreamSummaryAsync(missing));
        Assert.Contains("DescribeStreamSummary", describe.Message, StringComparison.Ordinal);
        Assert.False(describe.IsRetryable);

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = missing,
            ShardId = "shardId-000000000000",
            IteratorType = ShardIteratorType.TrimHorizon,
        }));
    }

    [Fact]
    public async Task CreatingAnExistingStream_IsResourceInUse()
    {
        var stream = await CreateActiveStreamAsync();

        Assert.Equal("ResourceInUseException", (await Assert.ThrowsAsync<KinesisException>(() => _client.CreateStreamAsync(stream, 1))).ErrorType);
    }

    private async Task<string> CreateActiveStreamAsync()
    {
        var stream = "kinesisattrib-it-" + Guid.NewGuid().ToString("N")[..12];
        await _client.CreateStreamAsync(stream, ShardCount);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var summary = await _client.DescribeStreamSummaryAsync(stream);
            Assert.Equal(stream, summary.StreamName);
            if (summary.StreamStatus == "ACTIVE")
            {
                Assert.Equal(ShardCount, summary.OpenShardCount);
                Assert.True(summary.RetentionPeriodHours >= 24);
                return stream;
            }

            Assert.Equal("CREATING", summary.StreamStatus);
            Assert.True(stopwatch.Elapsed < Patience, $"Stream {stream} not ACTIVE after {Patience}.");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task<List<Shard>> ListAllShardsAsync(ListShardsResponse first)
    {
        var shards = new List<Shard>(first.Shards);
        var next = first.NextToken;
        while (next is not null)
        {
            var page = await _client.ListShardsAsync(new ListShardsRequest { NextToken = next });
            shards.AddRange(page.Shards);
            next = page.NextToken;
        }

        Assert.All(shards, s => Assert.StartsWith("shardId-", s.ShardId, StringComparison.Ordinal));
        Assert.Equal(shards.Count, shards.Select(s => s.ShardId).Distinct().Count());
        return shards;
    }

    private sealed record PutRecord(string ShardId, string SequenceNumber, string PartitionKey, byte[] Data);

    /// <summary>Puts <see cref="RecordCount"/> binary records (every byte value, empty-ish and larger ones) and groups them by shard in put order.</summary>
    private async Task<Dictionary<string, List<PutRecord>>> PutBinaryRecordsAsync(string stream)
    {
        var random = new Random(42);
        var entries = Enumerable.Range(0, RecordCount).Select(i =>
        {
            var data = new byte[1 + random.Next(0, i % 10 == 0 ? 4096 : 64)];
            random.NextBytes(data);
            data[0] = (byte)i;
            return new PutRecordsRequestEntry { Data = data, PartitionKey = "pk-" + (i % 17) };
        }).ToList();

        var response = await _client.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });

        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal(RecordCount, response.Records.Count);
        var byShard = new Dictionary<string, List<PutRecord>>();
        for (var i = 0; i < RecordCount; i++)
        {
            var result = response.Records[i];
            Assert.Null(result.ErrorCode);
            var record = new PutRecord(result.ShardId!, result.SequenceNumber!, entries[i].PartitionKey, entries[i].Data.ToArray());
            if (!byShard.TryGetValue(record.ShardId, out var list))
            {
                byShard[record.ShardId] = list = [];
            }

            list.Add(record);
        }

        return byShard;
    }

    /// <summary>Follows the iterator until <paramref name="count"/> records arrived (real Kinesis may return empty pages first).</summary>
    private async Task<List<KinesisRecord>> ReadAsync(string iterator, int count)
    {
        var records = new List<KinesisRecord>();
        var stopwatch = Stopwatch.StartNew();
        string? next = iterator;
        while (records.Count < count && next is not null)
        {
            Assert.True(stopwatch.Elapsed < Patience, $"Read {records.Count} of {count} records in {Patience}.");
            var response = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = next });
            records.AddRange(response.Records);
            next = response.NextShardIterator;
            if (response.Records.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200)); // stay under 5 GetRecords/s per shard
            }
        }

        Assert.True(records.Count >= count, $"Read {records.Count} of {count} records.");
        return records;
    }
}
