using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;

namespace KinesisAttrib.Cli.Tests;

/// <summary>An application "billing" on stream "orders" over the in-memory Kinesis client and lease store.</summary>
internal sealed class InMemoryApp : IAsyncDisposable
{
    public const string Application = "billing";
    public const string StreamName = "orders";

    private readonly List<(CancellationTokenSource Stop, Task Loop)> _owners = [];

    public InMemoryApp(TimeProvider? kinesisTime = null) => Kinesis = new InMemoryKinesisClient(kinesisTime);

    public InMemoryKinesisClient Kinesis { get; }

    public InMemoryLeaseStore Store { get; } = new();

    public static string Shard(int n) => $"shardId-{n:D12}";

    public static async Task<InMemoryApp> CreateAsync(int shards, TimeProvider? kinesisTime = null)
    {
        var app = new InMemoryApp(kinesisTime);
        await app.Kinesis.CreateStreamAsync(StreamName, shards);
        return app;
    }

    public async Task<Lease> AddLeaseAsync(string shardId, string? owner = null, ExtendedSequenceNumber? checkpoint = null, string[]? parents = null, string? stream = StreamName, long counter = 1)
    {
        var lease = new Lease
        {
            LeaseKey = shardId,
            LeaseOwner = owner,
            LeaseCounter = counter,
            Checkpoint = checkpoint ?? ExtendedSequenceNumber.TrimHorizon,
            ParentShardIds = parents ?? [],
            StreamName = stream,
            StartingHashKey = "0",
            EndingHashKey = "170141183460469231731687303715884105727",
        };
        Assert.True(await Store.CreateLeaseIfNotExistsAsync(lease));
        return lease;
    }

    public async Task<IReadOnlyList<string>> PutAsync(string shardId, params string[] payloads)
    {
        var sequences = new List<string>();
        foreach (var payload in payloads)
        {
            var put = await Kinesis.PutRecordAsync(new PutRecordRequest
            {
                StreamName = StreamName,
                PartitionKey = "k",
                ExplicitHashKey = shardId == Shard(0) ? "0" : "340282366920938463463374607431768211455",
                Data = System.Text.Encoding.UTF8.GetBytes(payload),
            });
            Assert.Equal(shardId, put.ShardId);
            sequences.Add(put.SequenceNumber);
        }

        return sequences;
    }

    /// <summary>A worker that renews its lease every 20 ms (and, when asked for a hand-off, checkpoints and releases).</summary>
    public void RunOwner(Lease lease, ExtendedSequenceNumber? checkpointOnHandoff = null)
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            var held = lease;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(20, stop.Token).ConfigureAwait(false);
                var renewed = await Store.RenewLeaseAsync(held).ConfigureAwait(false);
                if (renewed is null)
                {
                    return; // lost
                }

                held = renewed;
                if (held.HandoffRequestedBy is not null)
                {
                    var checkpointed = await Store.UpdateCheckpointAsync(held, checkpointOnHandoff ?? held.Checkpoint).ConfigureAwait(false);
                    if (checkpointed is not null)
                    {
                        await Store.EvictLeaseAsync(checkpointed).ConfigureAwait(false);
                    }

                    return;
                }
            }
        });
        _owners.Add((stop, loop));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, loop) in _owners)
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // stopped
            }

            stop.Dispose();
        }
    }
}
