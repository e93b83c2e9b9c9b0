using System.Net;
using System.Text;
using Amazon.DynamoDBv2;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Tests.Hosting;

/// <summary>
/// Issue 15, item 2: a consumer that stops on an unrecoverable error fails the host (RunAsync throws, so a process
/// exits non-zero), with a message naming the service, the application and the stream; transient failures at start
/// are retried for <see cref="KinesisAttribOptions.StartupRetryTime"/>.
/// </summary>
public sealed class FatalErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static KinesisHandlerDescriptor Descriptor(RecordingSink sink) => new()
    {
        Settings = new HandlerSettings { StreamName = "orders", ApplicationName = "archive", HandlerName = "Archive" },
        CreateProcessor = (_, _) => new RecordingProcessor(sink),
    };

    [Fact]
    public async Task RunAsync_OfAMissingStream_ThrowsAtOnce_NamingKinesisTheStreamAndTheApplication()
    {
        var builder = RuntimeHost.CreateBuilder(new InMemoryKinesisClient(), new InMemoryLeaseStoreFactory());
        builder.Services.AddKinesisHandler(Descriptor(new RecordingSink()));
        using var host = builder.Build();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();

        // The default start-up retry time is a minute: finishing well within it shows a missing stream is not retried.
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith("KinesisAttrib application 'archive', stream 'orders': the stream does not exist in Kinesis", error.Message, StringComparison.Ordinal);
        Assert.IsType<ResourceNotFoundException>(error.InnerException);
        Assert.Same(error, runtime.Failure);
    }

    [Fact]
    public async Task RunAsync_WithFailHostOnFatalErrorOff_StopsTheHostWithoutThrowing_AndKeepsTheFailure()
    {
        var builder = RuntimeHost.CreateBuilder(new InMemoryKinesisClient(), new InMemoryLeaseStoreFactory(), o => o.FailHostOnFatalError = false);
        builder.Services.AddKinesisHandler(Descriptor(new RecordingSink()));
        using var host = builder.Build();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();

        // RunAsync disposes the host: the runtime is read before.
        await host.RunAsync().WaitAsync(Timeout);

        var failure = runtime.Failure;
        Assert.NotNull(failure);
        Assert.Contains("stream 'orders'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenTheLeaseTableStaysUnreachable_RetriesForTheStartupRetryTime_ThenThrowsNamingTheLeaseTable()
    {
        var kinesis = await StreamAsync();
        var stores = new FailingStoreFactory(failures: int.MaxValue, () => new HttpRequestException("Connection refused (127.0.0.1:1)"));
        using var host = Build(kinesis, stores, new RecordingSink(), TimeSpan.FromMilliseconds(600));

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.Contains("KinesisAttrib application 'archive', stream 'orders': the lease table", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached (gave up after retrying for", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(": Connection refused (127.0.0.1:1).", error.Message, StringComparison.Ordinal);
        Assert.True(stores.Calls > 1, $"{stores.Calls} calls: a transient failure is retried");
    }

    [Fact]
    public async Task RunAsync_WhenTheLeaseTableDeniesAccess_ThrowsAtOnce_WithoutRetrying()
    {
        var kinesis = await StreamAsync();
        var stores = new FailingStoreFactory(failures: int.MaxValue, () => new AmazonDynamoDBException("User is not authorized to perform: dynamodb:DescribeTable")
        {
            ErrorCode = "AccessDeniedException",
            StatusCode = HttpStatusCode.BadRequest,
        });
        using var host = Build(kinesis, stores, new RecordingSink(), TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.Contains("could not be created or read: User is not authorized", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, stores.Calls);
    }

    [Fact]
    public async Task Start_WhenTheLeaseTableFailsTheFirstCallsOnly_StartsNormally_AndStopsWithoutError()
    {
        var kinesis = await StreamAsync();
        await kinesis.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "orders",
            Records = [.. Enumerable.Range(0, 10).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"r{i}"), PartitionKey = $"k{i}" })],
        });
        var stores = new FailingStoreFactory(failures: 3, () => new HttpRequestException("Connection refused (127.0.0.1:1)"));
        var sink = new RecordingSink();
        using var host = Build(kinesis, stores, sink, TimeSpan.FromSeconds(20));

        await host.StartAsync();
        await sink.WhenCountReaches(10, Timeout);
        await host.StopAsync();

        Assert.Null(host.Services.GetRequiredService<KinesisAttribRuntime>().Failure);
        Assert.True(stores.Calls > 3, $"{stores.Calls} calls");
    }

    [Fact]
    public async Task Start_RetryingATransientFailure_LogsOneWarningWithoutStackTrace_ThenDebug_ThenRecovery()
    {
        var kinesis = await StreamAsync();
        var stores = new FailingStoreFactory(failures: 3, () => new HttpRequestException("Connection refused (127.0.0.1:1)"));
        var log = new CapturingLoggerProvider();
        var builder = RuntimeHost.CreateBuilder(kinesis, new InMemoryLeaseStoreFactory(), o => o.StartupRetryTime = TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton<ILeaseStoreFactory>(stores);
        builder.Services.AddKinesisHandler(Descriptor(new RecordingSink()));
        builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug);
        using var host = builder.Build();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();

        await host.StartAsync();
        await Eventually.WaitUntilAsync(() => Task.FromResult(log.Entries.Any(e => e.Event.Id == 503)), Timeout, "the start-up recovery log");
        await host.StopAsync();

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(501, warning.Event.Id);
        Assert.Null(warning.Exception);
        Assert.Contains("Connection refused", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, log.Entries.Count(e => e.Event.Id == 502 && e.Level == LogLevel.Debug));
        Assert.Null(runtime.Failure);
    }

    [Fact]
    public void Options_RejectANegativeStartupRetryTime()
    {
        var options = new KinesisAttribOptions { StartupRetryTime = TimeSpan.FromSeconds(-1) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Contains(nameof(KinesisAttribOptions.StartupRetryTime), error.Message, StringComparison.Ordinal);
    }

    private static async Task<InMemoryKinesisClient> StreamAsync()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        return kinesis;
    }

    private static IHost Build(InMemoryKinesisClient kinesis, ILeaseStoreFactory stores, RecordingSink sink, TimeSpan startupRetryTime)
    {
        var builder = RuntimeHost.CreateBuilder(kinesis, new InMemoryLeaseStoreFactory(), o => o.StartupRetryTime = startupRetryTime);
        builder.Services.AddSingleton(stores);
        builder.Services.AddKinesisHandler(Descriptor(sink));
        return builder.Build();
    }

    // Lease tables whose EnsureTable fails the first n calls, as an unreachable DynamoDB does.
    private sealed class FailingStoreFactory(int failures, Func<Exception> error) : ILeaseStoreFactory
    {
        private readonly InMemoryLeaseStoreFactory _inner = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ILeaseStore Create(string applicationName) => new FailingStore(_inner.Create(applicationName), this);

        private Exception? NextFailure() => Interlocked.Increment(ref _calls) <= failures ? error() : null;

        private sealed class FailingStore(ILeaseStore inner, FailingStoreFactory factory) : ForwardingLeaseStore(inner)
        {
            public override Task EnsureTableAsync(CancellationToken cancellationToken = default) =>
                factory.NextFailure() is { } failure ? Task.FromException(failure) : base.EnsureTableAsync(cancellationToken);
        }
    }
}
