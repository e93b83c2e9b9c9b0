using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.IntegrationTests.Failures;

/// <summary>
/// Issue 15, items 2 and 5 on the emulators: a plain Generic Host app whose consumer cannot start has
/// <c>host.RunAsync()</c> throw (so its process exits non-zero), with an error naming the service, its endpoint, the
/// application and the stream.
/// </summary>
[Collection("emulators")]
public sealed class FatalStartupTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private IHost BuildHost(string application, string stream, ReadingCollector collector, Uri? dynamoDbEndpoint = null, TimeSpan? startupRetryTime = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton(collector);
        builder.Services.AddKinesisAttrib(o =>
        {
            o.ApplicationName = application;
            o.StreamNames["readings"] = stream;
            o.Region = EmulatorFixture.Region;
            o.KinesisEndpoint = emulators.KinesisEndpoint;
            o.DynamoDbEndpoint = dynamoDbEndpoint ?? emulators.DynamoDbEndpoint;
            o.Credentials = EmulatorFixture.Credentials;
            o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(100);
            o.LeaseTakerInterval = TimeSpan.FromMilliseconds(500);
            o.StartupRetryTime = startupRetryTime ?? o.StartupRetryTime;
        });
        builder.Services.AddKinesisHandlers();
        return builder.Build();
    }

    [Fact]
    public async Task RunAsync_OfAMissingStream_Throws_NamingKinesisItsEndpointTheApplicationAndTheStream()
    {
        var application = EmulatorFixture.UniqueName("fatal");
        using var host = BuildHost(application, "no-such-stream", new ReadingCollector());

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith(
            $"KinesisAttrib application '{application}', stream 'no-such-stream': the stream does not exist in Kinesis at {emulators.KinesisEndpoint.ToString().TrimEnd('/')}",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithAnUnreachableLeaseTable_RetriesForTheStartupRetryTime_ThenThrows_NamingDynamoDbAndItsEndpoint()
    {
        var stream = EmulatorFixture.UniqueName("readings");
        var application = EmulatorFixture.UniqueName("fatal");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 1);
        using var host = BuildHost(application, stream, new ReadingCollector(), new Uri("http://127.0.0.1:1"), TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith(
            $"KinesisAttrib application '{application}', stream '{stream}': the lease table '{application}' in DynamoDB at http://127.0.0.1:1 could not be reached",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnAnotherStreamUnderTheSameApplication_Throws_SayingTheLeaseTableBelongsToTheFirstStream()
    {
        var first = EmulatorFixture.UniqueName("readings");
        var second = EmulatorFixture.UniqueName("readings");
        var application = EmulatorFixture.UniqueName("fatal");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, first, 1);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, second, 1);
        await EmulatorStreams.PutReadingsAsync(kinesis, first, 0, 5);
        await EmulatorStreams.PutReadingsAsync(kinesis, second, 0, 5);

        var collector = new ReadingCollector();
        using (var onFirst = BuildHost(application, first, collector))
        {
            await onFirst.StartAsync();
            await collector.WhenCountReaches(5, Timeout);
            await onFirst.StopAsync();
        }

        var nothing = new ReadingCollector();
        using var onSecond = BuildHost(application, second, nothing);
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => onSecond.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith($"KinesisAttrib application '{application}', stream '{second}': the lease table '{application}' in DynamoDB", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holds the leases of stream '{first}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("another ApplicationName", error.Message, StringComparison.Ordinal);
        Assert.Empty(nothing.Delivered);
    }
}
