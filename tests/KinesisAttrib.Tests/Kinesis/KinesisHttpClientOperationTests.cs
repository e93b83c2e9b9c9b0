using System.Net;
using System.Text;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>The wire format of the operations beyond the read path, checked against the JSON the service documents.</summary>
public sealed class KinesisHttpClientOperationTests : IDisposable
{
    private readonly FakeKinesisHandler _handler = new();
    private readonly HttpClient _http;
    private readonly KinesisHttpClient _client;

    public KinesisHttpClientOperationTests()
    {
        _http = new HttpClient(_handler);
        _client = new KinesisHttpClient(
            new KinesisClientOptions
            {
                ServiceUrl = new Uri("http://127.0.0.1:4567"),
                Region = "eu-west-1",
                Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            },
            _http);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
        _handler.Dispose();
    }

    [Fact]
    public async Task ListShards_ByArnWithAShardFilter_SendsThemAsTheServiceSpellsThem()
    {
        _handler.RespondJson("""{"Shards":[]}""").RespondJson("""{"Shards":[]}""").RespondJson("""{"Shards":[]}""");
        const string Arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";

        await _client.ListShardsAsync(new ListShardsRequest { StreamArn = Arn, ShardFilter = new ShardFilter { Type = ShardFilterType.AtLatest } });
        await _client.ListShardsAsync(new ListShardsRequest
        {
            StreamName = "orders",
            ShardFilter = new ShardFilter { Type = ShardFilterType.AfterShardId, ShardId = "shardId-000000000003" },
        });
        await _client.ListShardsAsync(new ListShardsRequest
        {
            StreamName = "orders",
            ExclusiveStartShardId = "shardId-000000000001",
            ShardFilter = new ShardFilter { Type = ShardFilterType.FromTimestamp, Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250) },
        });

        var bodies = _handler.Requests.Select(r => r.BodyText).ToList();
        Assert.Equal("""{"StreamARN":"arn:aws:kinesis:eu-west-1:123456789012:stream/orders","ShardFilter":{"Type":"AT_LATEST"}}""", bodies[0]);
        Assert.Equal("""{"StreamName":"orders","ShardFilter":{"Type":"AFTER_SHARD_ID","ShardId":"shardId-000000000003"}}""", bodies[1]);
        Assert.Equal(
            """{"StreamName":"orders","ExclusiveStartShardId":"shardId-000000000001","ShardFilter":{"Type":"FROM_TIMESTAMP","Timestamp":1700000000.25}}""",
            bodies[2]);
    }

    [Theory]
    [InlineData(ShardFilterType.AtTrimHorizon, "AT_TRIM_HORIZON")]
    [InlineData(ShardFilterType.FromTrimHorizon, "FROM_TRIM_HORIZON")]
    [InlineData(ShardFilterType.AtLatest, "AT_LATEST")]
    public async Task ListShards_FilterTypes_AreSpelledAsTheServiceSpellsThem(ShardFilterType type, string wire)
    {
        _handler.RespondJson("""{"Shards":[]}""");

        await _client.ListShardsAsync(new ListShardsRequest { StreamName = "s", ShardFilter = new ShardFilter { Type = type } });

        Assert.Contains($"\"Type\":\"{wire}\"", Assert.Single(_handler.Requests).BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListShards_RejectsContradictoryRequestsBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest()));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest
        {
            NextToken = "t",
            ShardFilter = new ShardFilter { Type = ShardFilterType.AtLatest },
        }));
        var missingTimestamp = await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest
        {
            StreamName = "s",
            ShardFilter = new ShardFilter { Type = ShardFilterType.AtTimestamp },
        }));
        Assert.Contains("Timestamp", missingTimestamp.Message, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task OutOfRangeCounts_AreRejectedBeforeSending_NamingTheOperationAndStream()
    {
        var tooMany = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "orders",
            Records = [.. Enumerable.Range(0, 501).Select(i => new PutRecordsRequestEntry { Data = new byte[] { 1 }, PartitionKey = "k" })],
        }));
        var none = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.PutRecordsAsync(new PutRecordsRequest { StreamName = "orders", Records = [] }));
        var limit = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", Limit = 10_001, StreamName = "orders" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.CreateStreamAsync("orders", 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.UpdateShardCountAsync(new UpdateShardCountRequest { StreamName = "orders", TargetShardCount = 0 }));

        Assert.Contains("PutRecords on stream 'orders': 501 records", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("0 records", none.Message, StringComparison.Ordinal);
        Assert.Contains("GetRecords on stream 'orders'", limit.Message, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task PutRecord_SendsBase64DataAndOrdering_AndReturnsWhereTheRecordWent()
    {
        _handler.RespondJson("""{"ShardId":"shardId-000000000001","SequenceNumber":"4960","EncryptionType":"NONE"}""");
        byte[] data = [0, 1, 2, 0xFF];

        var result = await _client.PutRecordAsync(new PutRecordRequest
        {
            StreamName = "orders",
            Data = data,
            PartitionKey = "pk",
            ExplicitHashKey = "42",
            SequenceNumberForOrdering = "4959",
        });

        var request = Assert.Single(_handler.Requests);
        Assert.Equal("Kinesis_20131202.PutRecord", request.Header("X-Amz-Target"));
        Assert.Equal(
            """{"StreamName":"orders","Data":"AAEC/w==","PartitionKey":"pk","ExplicitHashKey":"42","SequenceNumberForOrdering":"4959"}""",
            request.BodyText);
        Assert.Equal(new PutRecordResponse { ShardId = "shardId-000000000001", SequenceNumber = "4960", EncryptionType = "NONE" }, result);
    }

    [Fact]
    public async Task PutRecords_PerRecordFailures_AreReturnedInRequestOrder_NotThrown()
    {
        _handler.RespondJson("""
            {"FailedRecordCount":1,"Records":[
              {"SequenceNumber":"1","ShardId":"shardId-000000000000"},
              {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000001"},
              {"SequenceNumber":"3","ShardId":"shardId-000000000000"}]}
            """);

        var result = await _client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "orders",
            Records = [.. Enumerable.Range(0, 3).Select(i => new PutRecordsRequestEntry { Data = new byte[] { (byte)i }, PartitionKey = $"k{i}" })],
        });

        Assert.Equal(1, result.FailedRecordCount);
        Assert.Equal(3, result.Records.Count);
        Assert.Equal("1", result.Records[0].SequenceNumber);
        Assert.Equal("ProvisionedThroughputExceededException", result.Records[1].ErrorCode);
        Assert.Null(result.Records[1].SequenceNumber);
        Assert.Equal("3", result.Records[2].SequenceNumber);
    }

    [Fact]
    public async Task DeleteStream_ListStreams_Split_Merge_AndUpdateShardCount_SendWhatTheServiceExpects()
    {
        _handler
            .RespondJson("")
            .RespondJson("""{"StreamNames":["a","b"],"HasMoreStreams":true,"NextToken":"tok"}""")
            .RespondJson("")
            .RespondJson("")
            .RespondJson("""{"StreamName":"orders","CurrentShardCount":2,"TargetShardCount":4}""");

        await _client.DeleteStreamAsync("gone");
        var streams = await _client.ListStreamsAsync(new ListStreamsRequest { Limit = 2, ExclusiveStartStreamName = "0" });
        await _client.SplitShardAsync(new SplitShardRequest { StreamName = "orders", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "85070591730234615865843651857942052864" });
        await _client.MergeShardsAsync(new MergeShardsRequest { StreamName = "orders", ShardToMerge = "shardId-000000000001", AdjacentShardToMerge = "shardId-000000000002" });
        var update = await _client.UpdateShardCountAsync(new UpdateShardCountRequest { StreamName = "orders", TargetShardCount = 4 });

        var sent = _handler.Requests.Select(r => (r.Header("X-Amz-Target"), r.BodyText)).ToList();
        Assert.Equal(
            [
                ("Kinesis_20131202.DeleteStream", """{"StreamName":"gone"}"""),
                ("Kinesis_20131202.ListStreams", """{"Limit":2,"ExclusiveStartStreamName":"0"}"""),
                ("Kinesis_20131202.SplitShard", """{"StreamName":"orders","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"85070591730234615865843651857942052864"}"""),
                ("Kinesis_20131202.MergeShards", """{"StreamName":"orders","ShardToMerge":"shardId-000000000001","AdjacentShardToMerge":"shardId-000000000002"}"""),
                ("Kinesis_20131202.UpdateShardCount", """{"StreamName":"orders","TargetShardCount":4,"ScalingType":"UNIFORM_SCALING"}"""),
            ],
            sent);
        Assert.Equal(["a", "b"], streams.StreamNames);
        Assert.True(streams.HasMoreStreams);
        Assert.Equal("tok", streams.NextToken);
        Assert.Equal(new UpdateShardCountResponse { StreamName = "orders", CurrentShardCount = 2, TargetShardCount = 4 }, update);
    }

    [Fact]
    public async Task GetRecords_DecodesRecordsStraightIntoThePublicModel_SkippingUnknownFields()
    {
        var payload = Encoding.UTF8.GetBytes("{\"order\":42}");
        _handler.RespondJson($$$"""
            {"Records":[{"SequenceNumber":"1","Future":{"a":[1,2,{"b":null}]},"ApproximateArrivalTimestamp":1700000000.5,
              "Data":"{{{Convert.ToBase64String(payload)}}}","PartitionKey":"pk","EncryptionType":"KMS"},
              {"SequenceNumber":"2","Data":"","PartitionKey":"pk2"}],
             "NextShardIterator":"next","MillisBehindLatest":1234,
             "ChildShards":[{"ShardId":"shardId-000000000003","ParentShards":["shardId-000000000001"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"9"}}]}
            """);

        var response = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", StreamName = "orders" });

        Assert.Equal(2, response.Records.Count);
        Assert.Equal(payload, response.Records[0].Data.ToArray());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), response.Records[0].ApproximateArrivalTimestamp);
        Assert.Equal("KMS", response.Records[0].EncryptionType);
        Assert.True(response.Records[1].Data.IsEmpty);
        Assert.Null(response.Records[1].ApproximateArrivalTimestamp);
        Assert.Equal(1234, response.MillisBehindLatest);
        Assert.Equal("next", response.NextShardIterator);
        var child = Assert.Single(response.ChildShards!);
        Assert.Equal("shardId-000000000003", child.ShardId);
        Assert.Equal(["shardId-000000000001"], child.ParentShards);
        Assert.Equal("0", child.StartingHashKey);
        Assert.Equal("9", child.EndingHashKey);
        // The request carries only the iterator: the stream name is for messages.
        Assert.Equal("""{"ShardIterator":"it"}""", Assert.Single(_handler.Requests).BodyText);
    }

    [Fact]
    public async Task GetRecords_ARecordWithoutASequenceNumber_IsMalformed()
    {
        _handler.RespondJson("""{"Records":[{"Data":"AA==","PartitionKey":"pk"}]}""").RespondJson("""{"Records":[{"Data":"AA==","PartitionKey":"pk"}]}""")
            .RespondJson("""{"Records":[{"Data":"AA==","PartitionKey":"pk"}]}""");

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", StreamName = "orders" }));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.Contains("SequenceNumber", error.Message, StringComparison.Ordinal);
        Assert.Contains("GetRecords on stream 'orders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorMessages_NameTheStreamForGetRecordsWhenTheCallerSaysWhichItIs()
    {
        _handler.RespondError("ExpiredIteratorException", "Iterator expired.", requestId: "rid-9");

        var error = await Assert.ThrowsAsync<ExpiredIteratorException>(() => _client.GetRecordsAsync(new GetRecordsRequest
        {
            ShardIterator = "it",
            StreamName = "orders",
            ShardId = "shardId-000000000001",
        }));

        Assert.Equal("Kinesis GetRecords on stream 'orders' failed with ExpiredIteratorException (HTTP 400, request id rid-9): Iterator expired.", error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task PutRecords_AResultListShorterThanTheRequest_IsAMalformedResponseNamingOperationAndStream()
    {
        _handler.RespondJson("""{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"}]}""");
        var request = new PutRecordsRequest
        {
            StreamName = "orders",
            Records = [new() { Data = new byte[] { 1 }, PartitionKey = "a" }, new() { Data = new byte[] { 2 }, PartitionKey = "b" }],
        };

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.PutRecordsAsync(request));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.Contains("PutRecords on stream 'orders'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 result entries for 2 records", error.Message, StringComparison.Ordinal);
        Assert.Equal("PutRecords", error.Operation);
        Assert.Equal("orders", error.StreamName);
        Assert.Single(_handler.Requests);
    }

    [Theory]
    [InlineData("""{"code":"ResourceNotFoundException","message":"gone"}""", null, "ResourceNotFoundException")]
    [InlineData("""{"__type":"com.amazonaws.kinesis.v20131202#ExpiredIteratorException:http://internal.amazon.com/coral/#x","message":"old"}""", null, "ExpiredIteratorException")]
    [InlineData("""{"message":"old"}""", "ExpiredIteratorException:http://internal.amazon.com/coral/com.amazonaws.kinesis/", "ExpiredIteratorException")]
    [InlineData("""{"__type":"ExpiredIteratorException","message":"old"}""", "ExpiredIteratorException:http://internal.amazon.com/coral/com.amazonaws.kinesis/", "ExpiredIteratorException")]
    public async Task ErrorTypes_ComeFromHeaderCodeOrType_WithNamespaceAndUriStripped(string body, string? header, string expected)
    {
        _handler.Respond((_, _) =>
        {
            var response = FakeKinesisHandler.Json(body, HttpStatusCode.BadRequest, "rid");
            if (header is not null)
            {
                response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", header);
            }

            return Task.FromResult(response);
        });

        var error = await Assert.ThrowsAnyAsync<KinesisException>(() => _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it" }));

        Assert.Equal(expected, error.ErrorType);
        Assert.False(error.IsRetryable);
        Assert.Equal(expected == "ExpiredIteratorException" ? typeof(ExpiredIteratorException) : typeof(ResourceNotFoundException), error.GetType());
    }

    [Theory]
    [InlineData("RequestTimeoutException")]
    [InlineData("RequestTimeout")]
    [InlineData("PriorRequestNotComplete")]
    [InlineData("BandwidthLimitExceeded")]
    [InlineData("TransactionInProgressException")]
    public async Task TransientAndThrottlingErrorTypes_TheAwsSdksRetry_AreRetriedHereToo(string type)
    {
        _handler.RespondError(type, "try again").RespondJson("""{"ShardIterator":"ok"}""");

        var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.Latest });

        Assert.Equal("ok", iterator);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Theory]
    [InlineData("""{"Records":[{"SequenceNumber":1,"Data":"AA==","PartitionKey":"pk"}]}""")]
    [InlineData("""{"Records":[{"SequenceNumber":"1","Data":"not base64!","PartitionKey":"pk"}]}""")]
    [InlineData("""{"Records":[{"SequenceNumber":"1","Data":"AA==","PartitionKey":"pk","ApproximateArrivalTimestamp":"yesterday"}]}""")]
    [InlineData("""{"Records":[{"SequenceNumber":"1","Data":"AA==","PartitionKey":"pk","EncryptionType":7}]}""")]
    [InlineData("""{"Records":[{"SequenceNumber":"1","Data":"AA==","PartitionKey":"pk","ApproximateArrivalTimestamp":1e400}]}""")]
    public async Task GetRecords_ARecordWithAFieldOfTheWrongShape_IsAMalformedResponse(string body)
    {
        _handler.RespondJson(body).RespondJson(body).RespondJson(body);

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", StreamName = "orders" }));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.Contains("GetRecords on stream 'orders'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ShardFilterType.AtLatest, "shardId-000000000001", false, "ShardId")]
    [InlineData(ShardFilterType.AtTimestamp, "shardId-000000000001", true, "ShardId")]
    [InlineData(ShardFilterType.AfterShardId, "shardId-000000000001", true, "Timestamp")]
    [InlineData(ShardFilterType.FromTrimHorizon, null, true, "Timestamp")]
    public async Task ListShards_AShardFilterFieldItsTypeDoesNotTake_IsRejectedBeforeTheCall(ShardFilterType type, string? shardId, bool withTimestamp, string field)
    {
        var filter = new ShardFilter { Type = type, ShardId = shardId, Timestamp = withTimestamp ? DateTimeOffset.UnixEpoch.AddYears(56) : null };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _client.ListShardsAsync(new ListShardsRequest { StreamName = "orders", ShardFilter = filter }));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains(type.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }
}
