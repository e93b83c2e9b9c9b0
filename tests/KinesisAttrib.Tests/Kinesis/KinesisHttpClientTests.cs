using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Kinesis;

public sealed class KinesisHttpClientTests : IDisposable
{
    private const string AccessKey = "AKID";
    private const string SecretKey = "SECRET/with+chars";
    private readonly FakeKinesisHandler _handler = new();
    private readonly HttpClient _http;

    public KinesisHttpClientTests() => _http = new HttpClient(_handler);

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    private KinesisHttpClient CreateClient(AWSCredentials? credentials = null, TimeSpan? timeout = null, int maxAttempts = 3, Uri? serviceUrl = null) =>
        new(
            new KinesisClientOptions
            {
                ServiceUrl = serviceUrl ?? new Uri("http://127.0.0.1:4567"),
                Region = "eu-west-1",
                Credentials = credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
                Timeout = timeout ?? TimeSpan.FromSeconds(30),
                MaxAttempts = maxAttempts,
                RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            },
            _http);

    private const string SummaryJson = """
        {"StreamDescriptionSummary":{"StreamName":"orders","StreamARN":"arn:aws:kinesis:eu-west-1:123456789012:stream/orders",
        "StreamStatus":"ACTIVE","OpenShardCount":2,"RetentionPeriodHours":24,"StreamCreationTimestamp":1.7E9}}
        """;

    [Fact]
    public async Task Request_CarriesTargetContentTypeDateAndSigV4Authorization()
    {
        _handler.RespondJson(SummaryJson);
        using var client = CreateClient();

        await client.DescribeStreamSummaryAsync("orders");

        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:4567/", request.Uri.ToString());
        Assert.Equal("Kinesis_20131202.DescribeStreamSummary", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        Assert.Matches(@"^\d{8}T\d{6}Z$", request.Header("X-Amz-Date"));
        var date = request.Header("X-Amz-Date")[..8];
        var authorization = request.Header("Authorization");
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential=AKID/{date}/eu-west-1/kinesis/aws4_request, ", authorization, StringComparison.Ordinal);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target, ", authorization, StringComparison.Ordinal);
        Assert.Matches("Signature=[0-9a-f]{64}$", authorization);
        Assert.False(request.Headers.ContainsKey("X-Amz-Security-Token"));
        Assert.DoesNotContain(SecretKey, string.Join("\n", request.Headers.Values), StringComparison.Ordinal);
        Assert.Equal("""{"StreamName":"orders"}""", request.BodyText);
    }

    [Fact]
    public async Task Request_SignsWithAValidSignatureOverTheSentBytes()
    {
        _handler.RespondJson(SummaryJson);
        using var client = CreateClient();

        await client.DescribeStreamSummaryAsync("orders");

        // Recompute the signature from what went over the wire, independently of the client's own code path.
        var request = Assert.Single(_handler.Requests);
        var signedAt = DateTime.ParseExact(request.Header("X-Amz-Date"), "yyyyMMdd'T'HHmmss'Z'", null,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var headers = new[] { "Content-Type", "Host", "X-Amz-Date", "X-Amz-Target" }
            .Select(name => new KeyValuePair<string, string>(name, request.Header(name)));
        var expected = SigV4Signer.ComputeAuthorization(
            "POST", "/", "", headers, SigV4Signer.HexSha256(request.Body), AccessKey, SecretKey, "eu-west-1", "kinesis", signedAt);
        Assert.Equal(expected, request.Header("Authorization"));
        Assert.Equal("127.0.0.1:4567", request.Header("Host"));
    }

    [Fact]
    public async Task SessionCredentials_AddTheSecurityTokenHeaderAndSignIt()
    {
        _handler.RespondJson(SummaryJson);
        using var client = CreateClient(new SessionAWSCredentials(AccessKey, SecretKey, "SESSION-TOKEN"));

        await client.DescribeStreamSummaryAsync("orders");

        var request = Assert.Single(_handler.Requests);
        Assert.Equal("SESSION-TOKEN", request.Header("X-Amz-Security-Token"));
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,", request.Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServiceUrl_UsesTheRegionalEndpoint()
    {
        _handler.RespondJson(SummaryJson);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { Region = "ap-southeast-2", Credentials = new BasicAWSCredentials(AccessKey, SecretKey) }, _http);

        await client.DescribeStreamSummaryAsync("orders");

        Assert.Equal("https://kinesis.ap-southeast-2.amazonaws.com/", Assert.Single(_handler.Requests).Uri.ToString());
    }

    [Fact]
    public async Task DescribeStreamSummary_MapsTheSummary()
    {
        _handler.RespondJson(SummaryJson);
        using var client = CreateClient();

        var summary = await client.DescribeStreamSummaryAsync("orders");

        Assert.Equal(
            new StreamSummary
            {
                StreamName = "orders",
                StreamArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders",
                StreamStatus = "ACTIVE",
                OpenShardCount = 2,
                RetentionPeriodHours = 24,
            },
            summary);
    }

    [Fact]
    public async Task CreateStream_SendsNameAndShardCount_AndAcceptsAnEmptyBody()
    {
        _handler.Respond((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)));
        using var client = CreateClient();

        await client.CreateStreamAsync("orders", 4);

        var request = Assert.Single(_handler.Requests);
        Assert.Equal("Kinesis_20131202.CreateStream", request.Header("X-Amz-Target"));
        Assert.Equal("""{"StreamName":"orders","ShardCount":4}""", request.BodyText);
    }

    [Fact]
    public async Task ListShards_SendsStreamNameAndMaxResults_AndMapsLineage()
    {
        _handler.RespondJson("""
            {"Shards":[
              {"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"170141183460469231731687303715884105727"},
               "SequenceNumberRange":{"StartingSequenceNumber":"100","EndingSequenceNumber":"200"}},
              {"ShardId":"shardId-000000000002","ParentShardId":"shardId-000000000000","AdjacentParentShardId":"shardId-000000000001",
               "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},
               "SequenceNumberRange":{"StartingSequenceNumber":"300"}}],
             "NextToken":"page-2"}
            """);
        using var client = CreateClient();

        var page = await client.ListShardsAsync(new ListShardsRequest { StreamName = "orders", MaxResults = 100 });

        Assert.Equal("""{"StreamName":"orders","MaxResults":100}""", Assert.Single(_handler.Requests).BodyText);
        Assert.Equal("page-2", page.NextToken);
        Assert.Equal(2, page.Shards.Count);
        Assert.Equal("200", page.Shards[0].EndingSequenceNumber);
        Assert.Null(page.Shards[0].ParentShardId);
        Assert.Equal(
            new Shard
            {
                ShardId = "shardId-000000000002",
                ParentShardId = "shardId-000000000000",
                AdjacentParentShardId = "shardId-000000000001",
                StartingHashKey = "0",
                EndingHashKey = "340282366920938463463374607431768211455",
                StartingSequenceNumber = "300",
            },
            page.Shards[1]);
    }

    [Fact]
    public async Task ListShards_WithNextToken_LeavesOutTheStreamName()
    {
        _handler.RespondJson("""{"Shards":[]}""");
        using var client = CreateClient();

        var page = await client.ListShardsAsync(new ListShardsRequest { StreamName = "orders", NextToken = "page-2" });

        Assert.Equal("""{"NextToken":"page-2"}""", Assert.Single(_handler.Requests).BodyText);
        Assert.Empty(page.Shards);
        Assert.Null(page.NextToken);
    }

    [Theory]
    [InlineData(ShardIteratorType.TrimHorizon, "TRIM_HORIZON")]
    [InlineData(ShardIteratorType.Latest, "LATEST")]
    [InlineData(ShardIteratorType.AtSequenceNumber, "AT_SEQUENCE_NUMBER")]
    [InlineData(ShardIteratorType.AfterSequenceNumber, "AFTER_SEQUENCE_NUMBER")]
    [InlineData(ShardIteratorType.AtTimestamp, "AT_TIMESTAMP")]
    public async Task GetShardIterator_SendsTheIteratorTypeAsTheServiceSpellsIt(ShardIteratorType type, string wire)
    {
        _handler.RespondJson("""{"ShardIterator":"AAAA"}""");
        using var client = CreateClient();

        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-1", IteratorType = type });

        Assert.Equal("AAAA", iterator);
        using var body = JsonDocument.Parse(Assert.Single(_handler.Requests).Body);
        Assert.Equal(wire, body.RootElement.GetProperty("ShardIteratorType").GetString());
    }

    [Fact]
    public async Task GetShardIterator_AtTimestamp_SendsEpochSecondsWithFraction()
    {
        _handler.RespondJson("""{"ShardIterator":"AAAA"}""");
        using var client = CreateClient();

        await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = "shardId-1",
            IteratorType = ShardIteratorType.AtTimestamp,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250),
        });

        Assert.Equal(
            """{"StreamName":"s","ShardId":"shardId-1","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1700000000.25}""",
            Assert.Single(_handler.Requests).BodyText);
    }

    [Fact]
    public async Task GetShardIterator_AfterSequenceNumber_SendsTheSequenceNumber()
    {
        _handler.RespondJson("""{"ShardIterator":"AAAA"}""");
        using var client = CreateClient();

        await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = "shardId-1",
            IteratorType = ShardIteratorType.AfterSequenceNumber,
            StartingSequenceNumber = "49590338271490256608559692538361571095921575989136588898",
        });

        Assert.Equal(
            """{"StreamName":"s","ShardId":"shardId-1","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"49590338271490256608559692538361571095921575989136588898"}""",
            Assert.Single(_handler.Requests).BodyText);
    }

    [Fact]
    public async Task GetRecords_DecodesBase64DataAndEpochTimestamps()
    {
        byte[] binary = [0x00, 0xFF, 0xF3, 0x89, 0x9A, 0xC2, 0x0A];
        _handler.RespondJson($$"""
            {"Records":[
              {"SequenceNumber":"1","ApproximateArrivalTimestamp":1700000000.123,"Data":"{{Convert.ToBase64String(binary)}}","PartitionKey":"pk-1"},
              {"SequenceNumber":"2","ApproximateArrivalTimestamp":1.7E9,"Data":"","PartitionKey":"pk-2","EncryptionType":"KMS"}],
             "NextShardIterator":"next","MillisBehindLatest":1234}
            """);
        using var client = CreateClient();

        var response = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", Limit = 500 });

        Assert.Equal("""{"ShardIterator":"it","Limit":500}""", Assert.Single(_handler.Requests).BodyText);
        Assert.Equal(2, response.Records.Count);
        Assert.Equal(binary, response.Records[0].Data.ToArray());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), response.Records[0].ApproximateArrivalTimestamp);
        Assert.Equal("pk-1", response.Records[0].PartitionKey);
        Assert.True(response.Records[1].Data.IsEmpty);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), response.Records[1].ApproximateArrivalTimestamp);
        Assert.Equal("KMS", response.Records[1].EncryptionType);
        Assert.Equal("next", response.NextShardIterator);
        Assert.Equal(1234, response.MillisBehindLatest);
        Assert.Null(response.ChildShards);
    }

    [Fact]
    public async Task GetRecords_AtShardEnd_HasNoNextIteratorAndReportsChildShards()
    {
        _handler.RespondJson("""
            {"Records":[],"MillisBehindLatest":0,
             "ChildShards":[{"ShardId":"shardId-000000000003","ParentShards":["shardId-000000000001","shardId-000000000002"],
                             "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"9"}}]}
            """);
        using var client = CreateClient();

        var response = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it" });

        Assert.Equal("""{"ShardIterator":"it"}""", Assert.Single(_handler.Requests).BodyText);
        Assert.Empty(response.Records);
        Assert.Null(response.NextShardIterator);
        var child = Assert.Single(response.ChildShards!);
        Assert.Equal("shardId-000000000003", child.ShardId);
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], child.ParentShards);
    }

    [Fact]
    public async Task PutRecords_SendsBase64Data_AndReturnsOneResultPerRecordInOrder()
    {
        _handler.RespondJson("""
            {"FailedRecordCount":1,"Records":[
              {"SequenceNumber":"10","ShardId":"shardId-000000000000"},
              {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard"}]}
            """);
        using var client = CreateClient();
        byte[] first = [1, 2, 3, 0xFF];

        var response = await client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "orders",
            Records =
            [
                new PutRecordsRequestEntry { Data = first, PartitionKey = "a" },
                new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes("hello"), PartitionKey = "b", ExplicitHashKey = "42" },
            ],
        });

        Assert.Equal(
            """{"StreamName":"orders","Records":[{"Data":"AQID/w==","PartitionKey":"a"},{"Data":"aGVsbG8=","PartitionKey":"b","ExplicitHashKey":"42"}]}""",
            Assert.Single(_handler.Requests).BodyText);
        Assert.Equal(1, response.FailedRecordCount);
        Assert.Equal("10", response.Records[0].SequenceNumber);
        Assert.Equal("shardId-000000000000", response.Records[0].ShardId);
        Assert.Equal("ProvisionedThroughputExceededException", response.Records[1].ErrorCode);
        Assert.Equal("Rate exceeded for shard", response.Records[1].ErrorMessage);
    }

    [Theory]
    [InlineData("ResourceNotFoundException", typeof(ResourceNotFoundException), false)]
    [InlineData("com.amazonaws.kinesis.v20131202#ResourceNotFoundException", typeof(ResourceNotFoundException), false)]
    [InlineData("ResourceInUseException", typeof(KinesisException), false)]
    [InlineData("ExpiredIteratorException", typeof(ExpiredIteratorException), false)]
    [InlineData("InvalidArgumentException", typeof(KinesisException), false)]
    [InlineData("AccessDeniedException", typeof(KinesisException), false)]
    [InlineData("ExpiredNextTokenException", typeof(KinesisException), false)]
    [InlineData("KMSAccessDeniedException", typeof(KinesisException), false)]
    [InlineData("KMSDisabledException", typeof(KinesisException), false)]
    [InlineData("KMSInvalidStateException", typeof(KinesisException), false)]
    [InlineData("KMSNotFoundException", typeof(KinesisException), false)]
    [InlineData("KMSOptInRequired", typeof(KinesisException), false)]
    [InlineData("KMSSomethingNewException", typeof(KinesisException), false)]
    [InlineData("InternalFailureException", typeof(KinesisException), true)]
    [InlineData("ValidationException", typeof(KinesisException), false)]
    [InlineData("ProvisionedThroughputExceededException", typeof(ProvisionedThroughputExceededException), true)]
    [InlineData("LimitExceededException", typeof(KinesisException), true)]
    [InlineData("KMSThrottlingException", typeof(KinesisException), true)]
    [InlineData("ThrottlingException", typeof(KinesisException), true)]
    public async Task ErrorResponses_MapToTheirTypeOrErrorType_NamingOperationAwsMessageAndRequestId(string wireType, Type expected, bool retryable)
    {
        for (var i = 0; i < 3; i++)
        {
            _handler.RespondError(wireType, "Stream orders under account 123456789012 not found.", requestId: "4f1e-req");
        }

        using var client = CreateClient(maxAttempts: 1);

        var error = await Assert.ThrowsAnyAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.IsType(expected, error);
        Assert.Equal(wireType[(wireType.LastIndexOf('#') + 1)..], error.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("4f1e-req", error.RequestId);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.Contains("DescribeStreamSummary on stream 'orders'", error.Message, StringComparison.Ordinal);
        Assert.Equal("DescribeStreamSummary", error.Operation);
        Assert.Equal("orders", error.StreamName);
        Assert.Contains("4f1e-req", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stream orders under account 123456789012 not found.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorResponses_AcceptACapitalisedMessageKeyAndTheErrorTypeHeader()
    {
        _handler.Respond((_, _) =>
        {
            var response = FakeKinesisHandler.Json("""{"Message":"Iterator expired"}""", HttpStatusCode.BadRequest, "rid");
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", "ExpiredIteratorException:http://internal.amazon.com/coral/com.amazonaws.kinesis/");
            return Task.FromResult(response);
        });
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ExpiredIteratorException>(() => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it" }));

        Assert.Contains("Iterator expired", error.Message, StringComparison.Ordinal);
        Assert.Contains("GetRecords", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorMessages_NeverQuoteTheSessionTokenOrSecret()
    {
        _handler.RespondError("InvalidSignatureException", "The canonical string was x-amz-security-token:SESSION-TOKEN and key SECRET/with+chars");
        using var client = CreateClient(new SessionAWSCredentials(AccessKey, SecretKey, "SESSION-TOKEN"), maxAttempts: 1);

        var error = await Assert.ThrowsAnyAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("InvalidSignatureException", error.ErrorType);
        Assert.DoesNotContain("SESSION-TOKEN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnparsableSuccessBody_IsAMalformedResponse_RetriedLikeACutConnection()
    {
        _handler.RespondJson("<html>proxy says hi</html>").RespondJson(SummaryJson);
        using var client = CreateClient();

        var summary = await client.DescribeStreamSummaryAsync("orders");

        Assert.Equal("ACTIVE", summary.StreamStatus);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task AnUnparsableSuccessBody_OnEveryAttempt_IsAMalformedResponseNamingOperationStreamAndRequestId()
    {
        _handler.RespondJson("""{"StreamDescriptionSummary":{"StreamName":""", requestId: "req-trunc-1")
            .RespondJson("""{"StreamDescriptionSummary":{"StreamName":""", requestId: "req-trunc-2");
        using var client = CreateClient(maxAttempts: 2);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Equal(2, error.Attempts);
        Assert.Equal("req-trunc-2", error.RequestId);
        Assert.Contains("DescribeStreamSummary on stream 'orders'", error.Message, StringComparison.Ordinal);
        Assert.Contains("req-trunc-2", error.Message, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonJsonErrorBody_FallsBackToTheStatusCode()
    {
        _handler.Respond((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html/>") }));
        using var client = CreateClient(maxAttempts: 1);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("InternalFailureException", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_ThenSucceed()
    {
        _handler
            .RespondError("InternalFailureException", "boom", HttpStatusCode.InternalServerError)
            .RespondError("ProvisionedThroughputExceededException", "slow down")
            .RespondJson(SummaryJson);
        using var client = CreateClient();

        var summary = await client.DescribeStreamSummaryAsync("orders");

        Assert.Equal("ACTIVE", summary.StreamStatus);
        Assert.Equal(3, _handler.Requests.Count);
        // Every attempt is signed afresh (new date, same body).
        Assert.All(_handler.Requests, r => Assert.Equal("""{"StreamName":"orders"}""", r.BodyText));
    }

    [Fact]
    public async Task TransportFailures_AreRetried_ThenSucceed()
    {
        _handler.Throw(new HttpRequestException("connection refused")).RespondJson(SummaryJson);
        using var client = CreateClient();

        await client.DescribeStreamSummaryAsync("orders");

        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task TransportFailures_AfterTheLastAttempt_AreRetryableKinesisExceptionsNamingTheOperation()
    {
        _handler.Throw(new HttpRequestException("connection refused")).Throw(new HttpRequestException("connection refused"));
        using var client = CreateClient(maxAttempts: 2);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "orders" }));

        Assert.True(error.IsRetryable);
        Assert.Null(error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Contains("ListShards", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task ANonRetryableErrorAfterARetry_StopsAtOnce_AndCountsBothAttempts()
    {
        _handler.RespondError("InternalFailureException", "boom", HttpStatusCode.InternalServerError)
            .RespondError("ResourceNotFoundException", "Stream orders under account 123456789012 not found.")
            .RespondJson(SummaryJson);
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal(2, error.Attempts);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task NonRetryableErrors_AreNotRetried()
    {
        _handler.RespondError("ResourceNotFoundException", "no such stream").RespondJson(SummaryJson);
        using var client = CreateClient();

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeStreamSummaryAsync("missing"));

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task RetryableErrors_StopAfterMaxAttempts()
    {
        for (var i = 0; i < 5; i++)
        {
            _handler.RespondError("ProvisionedThroughputExceededException", "slow down");
        }

        using var client = CreateClient(maxAttempts: 3);

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it" }));

        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task AHungCall_TimesOutWithAClearRetryableError()
    {
        _handler.Hang().Hang();
        using var client = CreateClient(timeout: TimeSpan.FromMilliseconds(200), maxAttempts: 2);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = "shardId-1",
            IteratorType = ShardIteratorType.AtTimestamp,
            Timestamp = DateTimeOffset.UtcNow,
        }));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Equal("RequestTimeout", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Contains("GetShardIterator", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.2 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task CallerCancellation_SurfacesAsOperationCanceled_NotRetried()
    {
        _handler.Hang().RespondJson(SummaryJson);
        using var client = CreateClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DescribeStreamSummaryAsync("orders", cts.Token));

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task CallerCancellation_DuringBackoff_StopsRetrying()
    {
        using var cts = new CancellationTokenSource();
        _handler.Respond((_, _) =>
        {
            cts.Cancel();
            return Task.FromResult(FakeKinesisHandler.Json("""{"__type":"InternalFailureException"}""", HttpStatusCode.InternalServerError));
        });
        using var client = CreateClient();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DescribeStreamSummaryAsync("orders", cts.Token));

        Assert.Single(_handler.Requests);
    }

    /// <summary>A transport that reports an aborted request as a connection failure, as some handlers and proxies do.</summary>
    private static Task<HttpResponseMessage> AbortAsTransportFailure(CancellationToken ct)
    {
        var aborted = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        ct.Register(() => aborted.TrySetException(new HttpRequestException("The connection was aborted (test).", new IOException("reset"))));
        return aborted.Task;
    }

    [Fact]
    public async Task CallerCancellation_ReportedByTheTransportAsAConnectionFailure_StillSurfacesAsOperationCanceled()
    {
        _handler.Respond((_, ct) => AbortAsTransportFailure(ct)).RespondJson(SummaryJson);
        using var client = CreateClient(maxAttempts: 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DescribeStreamSummaryAsync("orders", cts.Token));

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task ATimeout_ReportedByTheTransportAsAConnectionFailure_IsStillARequestTimeout()
    {
        _handler.Respond((_, ct) => AbortAsTransportFailure(ct));
        using var client = CreateClient(timeout: TimeSpan.FromMilliseconds(100), maxAttempts: 1);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("RequestTimeout", error.ErrorType);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task CallerCancellation_WhileReadingABodyThatFailsWithIOException_SurfacesAsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        _handler.Respond((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new CancelThenFailStream(cts)) };
            return Task.FromResult(response);
        });
        using var client = CreateClient(maxAttempts: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DescribeStreamSummaryAsync("orders", cts.Token));
    }

    /// <summary>A response body for the tests below: readable only, through what each overrides.</summary>
    private abstract class ReadOnlyBodyStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body whose first read cancels the caller and then fails as a reset connection would.</summary>
    private sealed class CancelThenFailStream(CancellationTokenSource caller) : ReadOnlyBodyStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            caller.Cancel();
            throw new IOException("Unable to read data from the transport connection: Connection reset by peer (test).");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            caller.Cancel();
            return ValueTask.FromException<int>(new IOException("Unable to read data from the transport connection: Connection reset by peer (test)."));
        }
    }

    [Fact]
    public async Task ATimeout_WhileReadingABodyThatFailsWithIOException_IsARequestTimeout()
    {
        _handler.Respond((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new ResetWhenCancelledStream()) }));
        using var client = CreateClient(timeout: TimeSpan.FromMilliseconds(100), maxAttempts: 1);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Equal("RequestTimeout", error.ErrorType);
    }

    /// <summary>A body that stalls, and reports the abort of its read as a reset connection.</summary>
    private sealed class ResetWhenCancelledStream : ReadOnlyBodyStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            throw new IOException("Unable to read data from the transport connection: Operation aborted (test).");
        }
    }

    [Fact]
    public void Options_TooLongForATimer_AreRejectedUpFront_NotOnEveryCall()
    {
        var tooLong = TimeSpan.FromDays(60);
        Assert.Contains("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisHttpClient(new KinesisClientOptions { Timeout = tooLong }, _http)).Message, StringComparison.Ordinal);
        Assert.Contains("RetryBudget", Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisHttpClient(new KinesisClientOptions { RetryBudget = tooLong }, _http)).Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetryDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisHttpClient(new KinesisClientOptions { MaxRetryDelay = tooLong }, _http)).Message, StringComparison.Ordinal);
        using var infinite = new KinesisHttpClient(new KinesisClientOptions { Timeout = Timeout.InfiniteTimeSpan, RetryBudget = Timeout.InfiniteTimeSpan }, _http);
    }

    [Fact]
    public void Constructor_DoesNoIoAndValidatesOptions()
    {
        using var lazy = new KinesisHttpClient(new KinesisClientOptions(), _http);
        Assert.Empty(_handler.Requests);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisHttpClient(new KinesisClientOptions { MaxAttempts = 0 }, _http));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisHttpClient(new KinesisClientOptions { Timeout = TimeSpan.Zero }, _http));
    }

    [Fact]
    public void Backoff_IsJitteredAndCapped_AndLongerAfterThrottling()
    {
        using var client = new KinesisRequestPipeline(
            new KinesisClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(5) }, _http, _ => null, _ => null);
        var distinct = new HashSet<TimeSpan>();
        for (var attempt = 1; attempt < 40; attempt++)
        {
            var delay = client.Backoff(attempt, throttled: false);
            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.True(delay <= TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt - 1)));
            distinct.Add(delay);

            var throttled = client.Backoff(attempt, throttled: true);
            Assert.InRange(throttled, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.True(throttled <= TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1)));
        }

        Assert.True(distinct.Count > 30, "the backoff is jittered");
    }
}

public sealed class KinesisHttpClientRegionTests
{
    [Fact]
    public async Task MissingRegion_IsAClearInvalidOperationNamingWhatToSet()
    {
        using var handler = new FakeKinesisHandler();
        using var http = new HttpClient(handler);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions { Credentials = new BasicAWSCredentials("AKID", "SECRET") }, http, _ => null, _ => null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.DescribeStreamSummaryAsync("orders"));

        Assert.Contains("KinesisClientOptions.Region", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS profile 'default'", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }
}
