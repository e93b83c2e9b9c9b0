using System.Globalization;
using System.Numerics;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Testing.Tests;

/// <summary>The in-memory service's paging, filters and stream administration behave as Kinesis documents them.</summary>
public sealed class InMemoryKinesisClientOperationTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static async Task<List<Shard>> AllShardsAsync(IKinesisClient kinesis, ListShardsRequest first)
    {
        var shards = new List<Shard>();
        var page = await kinesis.ListShardsAsync(first);
        shards.AddRange(page.Shards);
        while (page.NextToken is { } token)
        {
            page = await kinesis.ListShardsAsync(new ListShardsRequest { NextToken = token, MaxResults = first.MaxResults });
            shards.AddRange(page.Shards);
        }

        return shards;
    }

    [Fact]
    public async Task ListShards_PagesWithMaxResultsAndNextToken_ByNameOrArn()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 7);
        var arn = (await kinesis.DescribeStreamSummaryAsync("s")).StreamArn;

        var first = await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s", MaxResults = 3 });
        var byName = await AllShardsAsync(kinesis, new ListShardsRequest { StreamName = "s", MaxResults = 3 });
        var byArn = await AllShardsAsync(kinesis, new ListShardsRequest { StreamArn = arn, MaxResults = 2 });

        Assert.Equal(3, first.Shards.Count);
        Assert.NotNull(first.NextToken);
        Assert.Equal(7, byName.Count);
        Assert.Equal(byName.Select(s => s.ShardId), byArn.Select(s => s.ShardId));
        Assert.Equal(7, byName.Select(s => s.ShardId).Distinct().Count());
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.ListShardsAsync(new ListShardsRequest { NextToken = "forged" }))).ErrorType);
    }

    [Fact]
    public async Task ListShards_ShardFilters_SelectOpenClosedAndLaterShards()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var kinesis = new InMemoryKinesisClient(clock);
        await kinesis.CreateStreamAsync("s", 2);
        clock.Now += TimeSpan.FromMinutes(1);
        var beforeSplit = clock.Now;
        clock.Now += TimeSpan.FromMinutes(1);
        await kinesis.SplitShardAsync(new SplitShardRequest { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = (BigInteger.Pow(2, 126)).ToString(CultureInfo.InvariantCulture) });
        clock.Now += TimeSpan.FromMinutes(1);
        var afterSplit = clock.Now;

        async Task<string[]> Ids(ShardFilter filter) =>
            [.. (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s", ShardFilter = filter })).Shards.Select(s => s.ShardId)];

        Assert.Equal(["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], await Ids(new ShardFilter { Type = ShardFilterType.AtLatest }));
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], await Ids(new ShardFilter { Type = ShardFilterType.AtTrimHorizon }));
        Assert.Equal(4, (await Ids(new ShardFilter { Type = ShardFilterType.FromTrimHorizon })).Length);
        Assert.Equal(["shardId-000000000002", "shardId-000000000003"], await Ids(new ShardFilter { Type = ShardFilterType.AfterShardId, ShardId = "shardId-000000000001" }));
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], await Ids(new ShardFilter { Type = ShardFilterType.AtTimestamp, Timestamp = beforeSplit }));
        Assert.Equal(["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], await Ids(new ShardFilter { Type = ShardFilterType.AtTimestamp, Timestamp = afterSplit }));
        Assert.Equal(4, (await Ids(new ShardFilter { Type = ShardFilterType.FromTimestamp, Timestamp = beforeSplit })).Length);
        Assert.Equal(3, (await Ids(new ShardFilter { Type = ShardFilterType.FromTimestamp, Timestamp = afterSplit })).Length);
    }

    [Fact]
    public async Task PutRecord_StoresOneRecordReadableByItsSequenceNumber()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 2);

        var put = await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = Encoding.UTF8.GetBytes("hello"), PartitionKey = "pk" });
        var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = put.ShardId,
            IteratorType = ShardIteratorType.AtSequenceNumber,
            StartingSequenceNumber = put.SequenceNumber,
        });
        var read = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator });

        Assert.Equal("hello", Encoding.UTF8.GetString(Assert.Single(read.Records).Data.Span));
        Assert.Equal(put.SequenceNumber, read.Records[0].SequenceNumber);
    }

    [Fact]
    public async Task DeleteStream_AndListStreams_PageInNameOrder()
    {
        var kinesis = new InMemoryKinesisClient();
        foreach (var name in new[] { "c", "a", "d", "b" })
        {
            await kinesis.CreateStreamAsync(name, 1);
        }

        await kinesis.DeleteStreamAsync("d");
        var first = await kinesis.ListStreamsAsync(new ListStreamsRequest { Limit = 2 });
        var second = await kinesis.ListStreamsAsync(new ListStreamsRequest { Limit = 2, ExclusiveStartStreamName = first.StreamNames[^1] });

        Assert.Equal(["a", "b"], first.StreamNames);
        Assert.True(first.HasMoreStreams);
        Assert.Equal(["c"], second.StreamNames);
        Assert.False(second.HasMoreStreams);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => kinesis.DescribeStreamSummaryAsync("d"));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => kinesis.DeleteStreamAsync("d"));
    }

    [Fact]
    public async Task SplitAndMergeAsync_KeepLineage_AndRejectBadRequests()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 2);

        await kinesis.MergeShardsAsync(new MergeShardsRequest { StreamName = "s", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000001" });
        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s" })).Shards;

        var child = Assert.Single(shards, s => s.EndingSequenceNumber is null);
        Assert.Equal("shardId-000000000000", child.ParentShardId);
        Assert.Equal("shardId-000000000001", child.AdjacentParentShardId);
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.SplitShardAsync(new SplitShardRequest { StreamName = "s", ShardToSplit = child.ShardId, NewStartingHashKey = "not-a-number" }))).ErrorType);
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.SplitShardAsync(new SplitShardRequest { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "5" }))).ErrorType);
    }

    [Fact]
    public async Task UpdateShardCount_ReachesTheTargetThroughSplitsAndMerges_WithinHalfAndDouble()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 2);

        var up = await kinesis.UpdateShardCountAsync(new UpdateShardCountRequest { StreamName = "s", TargetShardCount = 4 });
        var openAfterUp = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s", ShardFilter = new ShardFilter { Type = ShardFilterType.AtLatest } })).Shards;
        var down = await kinesis.UpdateShardCountAsync(new UpdateShardCountRequest { StreamName = "s", TargetShardCount = 3 });
        var summary = await kinesis.DescribeStreamSummaryAsync("s");

        Assert.Equal(new UpdateShardCountResponse { StreamName = "s", CurrentShardCount = 2, TargetShardCount = 4 }, up);
        Assert.Equal(4, openAfterUp.Count);
        Assert.All(openAfterUp, s => Assert.NotNull(s.ParentShardId));
        Assert.Equal(4, down.CurrentShardCount);
        Assert.Equal(3, summary.OpenShardCount);
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.UpdateShardCountAsync(new UpdateShardCountRequest { StreamName = "s", TargetShardCount = 7 }))).ErrorType);

        // The open shards still cover the whole hash-key space without gaps.
        var open = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s", ShardFilter = new ShardFilter { Type = ShardFilterType.AtLatest } })).Shards
            .OrderBy(s => BigInteger.Parse(s.StartingHashKey, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal("0", open[0].StartingHashKey);
        Assert.Equal((BigInteger.Pow(2, 128) - 1).ToString(CultureInfo.InvariantCulture), open[^1].EndingHashKey);
        for (var i = 1; i < open.Count; i++)
        {
            Assert.Equal(BigInteger.Parse(open[i - 1].EndingHashKey, CultureInfo.InvariantCulture) + 1, BigInteger.Parse(open[i].StartingHashKey, CultureInfo.InvariantCulture));
        }
    }
}
