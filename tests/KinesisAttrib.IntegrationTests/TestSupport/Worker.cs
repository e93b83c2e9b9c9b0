using Amazon.DynamoDBv2;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>One in-process worker: a <see cref="Scheduler"/> with its own worker id on the shared DynamoDB lease table.</summary>
internal sealed class Worker : IDisposable
{
    /// <summary>Short timings so failover tests take seconds.</summary>
    public static readonly TimeSpan FailoverTime = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan TakerInterval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();

    public Worker(string id, string application, string stream, IKinesisClient kinesis, IAmazonDynamoDB dynamo, DeliveryLog log, ILoggerFactory? loggers = null, RetrievalMode retrieval = RetrievalMode.Polling)
    {
        Id = id;
        var options = new KinesisAttribOptions
        {
            WorkerId = id,
            RetrievalMode = retrieval,
            FailoverTime = FailoverTime,

            // A third of the failover time: three helpers share two cores while these tests run.
            LeaseRenewalInterval = FailoverTime / 3,
            LeaseTakerInterval = TakerInterval,
            ShardSyncInterval = TimeSpan.FromSeconds(1),
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(50),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRecords = 200,
        };
        Scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => new LoggingProcessor(log, id), kinesis, new DynamoDbLeaseStore(dynamo, application), options, loggers);
        Run = Task.Run(() => Scheduler.RunAsync(_stop.Token, _abort.Token));
    }

    public string Id { get; }

    public Scheduler Scheduler { get; }

    public Task Run { get; }

    /// <summary>Graceful stop: processors checkpoint and the leases are handed over.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>A crash: everything stops at once, nothing is checkpointed or released.</summary>
    public async Task CrashAsync()
    {
        await _abort.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            // RunAsync reports a hard stop this way.
        }
    }

    public void Dispose()
    {
        _abort.Cancel();
        _stop.Dispose();
        _abort.Dispose();
    }
}
