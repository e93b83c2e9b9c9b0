using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// The stream-consumer operations of enhanced fan-out (Describe, Register, Deregister) on the wire: the JSON the service
/// documents, mapped both ways, errors typed as for every other operation.
/// </summary>
public sealed class KinesisStreamConsumerTests : IDisposable
{
    private const string StreamArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
    private const string ConsumerArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/billing:1700000000";
    private readonly FakeKinesisHandler _handler = new();
    private readonly HttpClient _http;
    private readonly KinesisHttpClient _client;

    public KinesisStreamConsumerTests()
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
    public async Task DescribeStreamConsumer_ByStreamArnAndName_OrByConsumerArn_MapsTheDescription()
    {
        const string Description = $$$"""
            {"ConsumerDescription":{"ConsumerARN":"{{{ConsumerArn}}}","ConsumerCreationTimestamp":1700000000.25,
            "ConsumerName":"billing","ConsumerStatus":"ACTIVE","StreamARN":"{{{StreamArn}}}"}}
            """;
        _handler.RespondJson(Description).RespondJson(Description);

        var byName = await _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = StreamArn, ConsumerName = "billing" });
        var byArn = await _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = ConsumerArn });

        Assert.Equal(byName, byArn);
        Assert.Equal("billing", byName.ConsumerName);
        Assert.Equal(ConsumerArn, byName.ConsumerArn);
        Assert.Equal("ACTIVE", byName.ConsumerStatus);
        Assert.Equal(StreamArn, byName.StreamArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250), byName.ConsumerCreationTimestamp);
        var requests = _handler.Requests;
        Assert.All(requests, r => Assert.Equal("Kinesis_20131202.DescribeStreamConsumer", r.Header("X-Amz-Target")));
        Assert.Equal($$"""{"StreamARN":"{{StreamArn}}","ConsumerName":"billing"}""", requests[0].BodyText);
        Assert.Equal($$"""{"ConsumerARN":"{{ConsumerArn}}"}""", requests[1].BodyText);
    }

    [Fact]
    public async Task RegisterStreamConsumer_SendsTheStreamArnAndName_AndReturnsTheCreatingConsumerWithItsStream()
    {
        _handler.RespondJson($$$"""
            {"Consumer":{"ConsumerARN":"{{{ConsumerArn}}}","ConsumerCreationTimestamp":1700000000,"ConsumerName":"billing","ConsumerStatus":"CREATING"}}
            """);

        var consumer = await _client.RegisterStreamConsumerAsync(StreamArn, "billing");

        Assert.Equal("CREATING", consumer.ConsumerStatus);
        Assert.Equal(ConsumerArn, consumer.ConsumerArn);
        Assert.Equal(StreamArn, consumer.StreamArn);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("Kinesis_20131202.RegisterStreamConsumer", request.Header("X-Amz-Target"));
        Assert.Equal($$"""{"StreamARN":"{{StreamArn}}","ConsumerName":"billing"}""", request.BodyText);
    }

    [Fact]
    public async Task DeregisterStreamConsumer_ByArn_SendsOnlyTheArn()
    {
        _handler.RespondJson("");

        await _client.DeregisterStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = ConsumerArn });

        var request = Assert.Single(_handler.Requests);
        Assert.Equal("Kinesis_20131202.DeregisterStreamConsumer", request.Header("X-Amz-Target"));
        using var body = JsonDocument.Parse(request.BodyText);
        Assert.Equal(ConsumerArn, Assert.Single(body.RootElement.EnumerateObject()).Value.GetString());
    }

    [Fact]
    public async Task AnUnknownConsumer_IsResourceNotFound_NamingTheStreamFromTheArn_AndAnExistingOne_ResourceInUse()
    {
        _handler.RespondError("ResourceNotFoundException", "ConsumerName nope not found on stream orders")
            .RespondError("ResourceInUseException", "Consumer billing exists");

        var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(
            () => _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = StreamArn, ConsumerName = "nope" }));
        var exists = await Assert.ThrowsAsync<KinesisException>(() => _client.RegisterStreamConsumerAsync(StreamArn, "billing"));

        Assert.Equal("orders", missing.StreamName);
        Assert.Contains("DescribeStreamConsumer on stream 'orders'", missing.Message, StringComparison.Ordinal);
        Assert.Equal("ResourceInUseException", exists.ErrorType);
        Assert.False(exists.IsRetryable);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task AConsumerRequest_WithoutAnArnOrAStreamAndName_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = StreamArn }));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.DeregisterStreamConsumerAsync(new StreamConsumerRequest { ConsumerName = "billing" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.RegisterStreamConsumerAsync(StreamArn, ""));

        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task ADescriptionWithoutTheConsumersArn_IsAMalformedResponse()
    {
        _handler.RespondJson("""{"ConsumerDescription":{"ConsumerName":"billing","ConsumerStatus":"ACTIVE"}}""", HttpStatusCode.OK)
            .RespondJson("""{"ConsumerDescription":{"ConsumerName":"billing","ConsumerStatus":"ACTIVE"}}""", HttpStatusCode.OK)
            .RespondJson("""{"ConsumerDescription":{"ConsumerName":"billing","ConsumerStatus":"ACTIVE"}}""", HttpStatusCode.OK);

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = ConsumerArn }));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.Contains("ConsumerARN", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:kinesis:eu-west-1:123456789012:stream/orders", "orders")]
    [InlineData("arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/billing:1700000000", "orders")]
    [InlineData("arn:aws:s3:::bucket", null)]
    public void TheStreamName_IsReadFromStreamAndConsumerArns(string arn, string? stream) =>
        Assert.Equal(stream, KinesisWireMapper.StreamNameFromArn(arn));
}
