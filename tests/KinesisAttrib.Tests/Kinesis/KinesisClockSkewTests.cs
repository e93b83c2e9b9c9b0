using System.Net;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>A host whose clock is off by more than SigV4's five minutes corrects itself from the service's Date header, as the AWS SDKs do.</summary>
public sealed class KinesisClockSkewTests : IDisposable
{
    private static readonly DateTimeOffset LocalNow = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(LocalNow);
    private readonly FakeKinesisHandler _handler = new();
    private readonly HttpClient _http;
    private readonly KinesisHttpClient _client;

    public KinesisClockSkewTests()
    {
        _http = new HttpClient(_handler);
        _client = new KinesisHttpClient(
            new KinesisClientOptions
            {
                ServiceUrl = new Uri("http://127.0.0.1:4567"),
                Region = "eu-west-1",
                Credentials = new BasicAWSCredentials("AKID", "SECRET"),
                TimeProvider = _time,
                RetryBaseDelay = TimeSpan.Zero,
            },
            _http);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
        _handler.Dispose();
    }

    private FakeKinesisHandler RespondSkewError(string type, DateTimeOffset serverNow) => _handler.Respond((_, _) =>
    {
        var response = FakeKinesisHandler.Json(
            $$"""{"__type":"{{type}}","message":"Signature expired: 20260101T100000Z is now earlier than 20260101T101500Z (20260101T102000Z - 5 min.)"}""",
            HttpStatusCode.BadRequest);
        response.Headers.Date = serverNow;
        return Task.FromResult(response);
    });

    private static GetShardIteratorRequest Request => new() { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.Latest };

    [Theory]
    [InlineData("InvalidSignatureException")]
    [InlineData("RequestExpired")]
    [InlineData("RequestTimeTooSkewed")]
    public async Task ASkewedClock_IsCorrectedFromTheServicesDateHeader_AndTheCallRetriedAndSigned(string type)
    {
        var serverNow = LocalNow.AddMinutes(20);
        RespondSkewError(type, serverNow).RespondJson("""{"ShardIterator":"a"}""").RespondJson("""{"ShardIterator":"b"}""");

        Assert.Equal("a", await _client.GetShardIteratorAsync(Request));
        // Later calls sign with the corrected clock straight away.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("b", await _client.GetShardIteratorAsync(Request));

        Assert.Equal("20260101T100000Z", _handler.Requests[0].Header("X-Amz-Date"));
        Assert.Equal("20260101T102000Z", _handler.Requests[1].Header("X-Amz-Date"));
        Assert.Equal("20260101T102100Z", _handler.Requests[2].Header("X-Amz-Date"));
    }

    [Fact]
    public async Task ASignatureErrorWithTheClocksInStep_IsNotRetried()
    {
        RespondSkewError("InvalidSignatureException", LocalNow.AddSeconds(2)).RespondJson("""{"ShardIterator":"a"}""");

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetShardIteratorAsync(Request));

        Assert.Equal("InvalidSignatureException", error.ErrorType);
        Assert.Equal(1, error.Attempts);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task ASkewError_IsCorrectedOnlyOncePerCall()
    {
        RespondSkewError("InvalidSignatureException", LocalNow.AddMinutes(20));
        RespondSkewError("InvalidSignatureException", LocalNow.AddMinutes(40)).RespondJson("""{"ShardIterator":"unused"}""");

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.GetShardIteratorAsync(Request));

        Assert.Equal("InvalidSignatureException", error.ErrorType);
        Assert.Equal(2, _handler.Requests.Count);
    }
}
