using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Tests.Shards;

/// <summary>Issue 15, item 5: a lease table is bound to its stream.</summary>
public sealed class LeaseTableStreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sync_WritesTheStreamOnEveryLeaseItCreates()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        var store = new InMemoryLeaseStore();

        await new ShardSyncer(kinesis, store, "orders", InitialPosition.TrimHorizon, NullLogger.Instance).SyncAsync(CancellationToken.None);

        var leases = await store.ListLeasesAsync();
        Assert.Equal(2, leases.Count);
        Assert.All(leases, l => Assert.Equal("orders", l.StreamName));
    }

    [Fact]
    public async Task Sync_AdoptsLeasesThatNameNoStream_KeepingTheirCheckpoints()
    {
        // Written by an older version or by the Java KCL: no stream attribute.
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var store = new InMemoryLeaseStore();
        var checkpoint = new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898");
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "shardId-000000000000", Checkpoint = checkpoint, LeaseCounter = 4 });

        await new ShardSyncer(kinesis, store, "orders", InitialPosition.TrimHorizon, NullLogger.Instance).SyncAsync(CancellationToken.None);

        var lease = Assert.Single(await store.ListLeasesAsync());
        Assert.Equal("orders", lease.StreamName);
        Assert.Equal(checkpoint, lease.Checkpoint);
        Assert.Equal(4, lease.LeaseCounter);
    }

    [Fact]
    public async Task Sync_OfALeaseTableHoldingAnotherStreamsLeases_Throws_AndCreatesNothing()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("payments", 2);
        var store = new InMemoryLeaseStore();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "shardId-000000000000", Checkpoint = ExtendedSequenceNumber.TrimHorizon, StreamName = "orders" });

        var error = await Assert.ThrowsAsync<LeaseTableStreamMismatchException>(
            () => new ShardSyncer(kinesis, store, "payments", InitialPosition.TrimHorizon, NullLogger.Instance).SyncAsync(CancellationToken.None));

        Assert.Equal("orders", error.OtherStream);
        Assert.Single(await store.ListLeasesAsync());
    }

    [Fact]
    public async Task Host_StartedOnAnotherStreamUnderTheSameApplication_Fails_SayingSoAndNamingTheFix()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders-a", 1);
        await kinesis.CreateStreamAsync("orders-b", 1);
        await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "orders-a", Records = [new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes("a"), PartitionKey = "k" }] });
        var leases = new InMemoryLeaseStoreFactory();

        var sink = new RecordingSink();
        using (var first = Build(kinesis, leases, "orders-a", sink))
        {
            await first.StartAsync();
            await sink.WhenCountReaches(1, Timeout);
            await first.StopAsync();
        }

        using var second = Build(kinesis, leases, "orders-b", new RecordingSink());
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => second.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith("KinesisAttrib application 'archive', stream 'orders-b': the lease table", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds the leases of stream 'orders-a' (shardId-000000000000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("another ApplicationName", error.Message, StringComparison.Ordinal);
        Assert.All(await leases.Create("archive").ListLeasesAsync(), l => Assert.Equal("orders-a", l.StreamName));
    }

    [Fact]
    public async Task Host_WhoseStoredCheckpointKinesisRefuses_FailsAfterOneAttempt_NamingTheCheckpointAndTheFix()
    {
        // A table from before leases named their stream, holding another stream's checkpoint for a matching shard id:
        // Kinesis answers InvalidArgumentException, which used to be retried five times a second for ever.
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var refusing = new RefusingKinesisClient(kinesis);
        var leases = new InMemoryLeaseStoreFactory();
        const string foreignCheckpoint = "49590338271490256608559692538361571095921575989136588898";
        await leases.Create("archive").CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "shardId-000000000000", Checkpoint = new ExtendedSequenceNumber(foreignCheckpoint) });
        var sink = new RecordingSink();
        using var host = Build(kinesis, leases, "orders", sink, refusing);

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.RunAsync().WaitAsync(Timeout));

        Assert.StartsWith("KinesisAttrib application 'archive', stream 'orders': the lease table", error.Message, StringComparison.Ordinal);
        Assert.Contains($"holds checkpoint {foreignCheckpoint} for shard 'shardId-000000000000'", error.Message, StringComparison.Ordinal);
        Assert.Contains("another ApplicationName", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, refusing.Refusals);
        Assert.Equal(0, sink.Count);
    }

    private static IHost Build(InMemoryKinesisClient kinesis, InMemoryLeaseStoreFactory leases, string stream, RecordingSink sink, IKinesisClient? client = null)
    {
        var builder = RuntimeHost.CreateBuilder(kinesis, leases, o => o.StreamNames["orders"] = stream);
        if (client is not null)
        {
            builder.Services.AddSingleton(client);
        }

        builder.Services.AddKinesisHandler(new KinesisHandlerDescriptor
        {
            Settings = new HandlerSettings { StreamName = "orders", ApplicationName = "archive", HandlerName = "Archive" },
            CreateProcessor = (_, _) => new RecordingProcessor(sink),
        });
        return builder.Build();
    }

    // Refuses every sequence number, as Kinesis refuses one of another stream.
    private sealed class RefusingKinesisClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        private int _refusals;

        public int Refusals => Volatile.Read(ref _refusals);

        public override Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
        {
            if (request.StartingSequenceNumber is null)
            {
                return base.GetShardIteratorAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref _refusals);
            return Task.FromException<string>(new KinesisException("InvalidArgumentException", $"StartingSequenceNumber {request.StartingSequenceNumber} used in GetShardIterator on shard {request.ShardId} in stream {request.StreamName} is invalid because it did not come from this stream."));
        }
    }
}
