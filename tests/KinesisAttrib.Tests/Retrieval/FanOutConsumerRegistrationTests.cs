using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// <see cref="FanOutConsumerRegistration"/> on the in-memory service: the consumer is registered once and reused,
/// waited for until ACTIVE, and a given ARN is checked against the stream.
/// </summary>
public sealed class FanOutConsumerRegistrationTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly InMemoryKinesisClient _kinesis = new();

    private Task<string> EnsureAsync(string stream = "orders", string name = "billing", string? arn = null, TimeSpan? timeout = null, ILogger? logger = null) =>
        FanOutConsumerRegistration.EnsureActiveAsync(_kinesis, stream, name, arn, timeout ?? Minute, TimeProvider.System, logger ?? NullLogger.Instance, CancellationToken.None);

    [Fact]
    public async Task AnAbsentConsumer_IsRegisteredOnce_WaitedForUntilActive_AndReusedByTheNextStart()
    {
        await _kinesis.CreateStreamAsync("orders", 1);
        _kinesis.ConsumerRegistrationTime = TimeSpan.FromMilliseconds(1500);
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        var first = await EnsureAsync(logger: factory.CreateLogger("test"));
        var status = await _kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = first });
        var second = await EnsureAsync(logger: factory.CreateLogger("test"));

        Assert.Equal("ACTIVE", status.ConsumerStatus);
        Assert.Equal("billing", status.ConsumerName);
        Assert.Equal(first, second);
        Assert.Single(logs.Entries, e => e.Event.Id == 306 && e.Message.Contains("billing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkersStartingTogether_ShareOneConsumer()
    {
        await _kinesis.CreateStreamAsync("orders", 1);

        var arns = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => EnsureAsync())));

        Assert.Single(arns.Distinct());
    }

    [Fact]
    public async Task AGivenArn_IsUsedAsItIs_AndNothingIsRegistered()
    {
        await _kinesis.CreateStreamAsync("orders", 1);
        var streamArn = (await _kinesis.DescribeStreamSummaryAsync("orders")).StreamArn!;
        var registered = await _kinesis.RegisterStreamConsumerAsync(streamArn, "made-by-terraform");

        var arn = await EnsureAsync(name: "billing", arn: registered.ConsumerArn);

        Assert.Equal(registered.ConsumerArn, arn);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = streamArn, ConsumerName = "billing" }));
    }

    [Fact]
    public async Task AnArnOfAnotherStream_FailsNamingBoth()
    {
        await _kinesis.CreateStreamAsync("orders", 1);
        await _kinesis.CreateStreamAsync("payments", 1);
        var other = await _kinesis.RegisterStreamConsumerAsync((await _kinesis.DescribeStreamSummaryAsync("payments")).StreamArn!, "billing");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EnsureAsync(arn: other.ConsumerArn));

        Assert.Contains(other.ConsumerArn, error.Message, StringComparison.Ordinal);
        Assert.Contains("stream 'orders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConsumerThatStaysCreating_FailsAfterTheTimeout_NamingItsStatus()
    {
        await _kinesis.CreateStreamAsync("orders", 1);
        _kinesis.ConsumerRegistrationTime = TimeSpan.FromHours(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EnsureAsync(timeout: TimeSpan.FromMilliseconds(1200)));

        Assert.Contains("still CREATING", error.Message, StringComparison.Ordinal);
        Assert.Contains("'billing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingStream_FailsWithTheServicesNotFoundError()
    {
        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => EnsureAsync(stream: "nope"));

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }
}
