using KinesisAttrib.IntegrationTests.TestSupport;
using static KinesisAttrib.Cli.Tests.Emulators.EmulatorApp;

namespace KinesisAttrib.Cli.Tests.Emulators;

/// <summary>The tool against kinesalite and dynalite, with the runtime's workers consuming the stream.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class ToolOnEmulatorsTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LeasesJson_MatchesTheLeaseTable_WhileAConsumerRuns()
    {
        await using var app = await CreateAsync(emulators, "cli-leases", shards: 2);
        var log = new DeliveryLog();
        app.StartWorker("worker-1", () => new LoggingProcessor(log, "worker-1"));
        await app.PutAsync(Enumerable.Range(0, 20).Select(i => $"p{i}"), partitionKey: "spread");
        await app.PutAsync(Enumerable.Range(20, 20).Select(i => $"p{i}"), partitionKey: "other-key-7");
        await log.WhenDistinctAsync(40, Patience);

        // Renewals move counters all the time: compare a tool run bracketed by two identical raw scans.
        for (var attempt = 0; ; attempt++)
        {
            var before = await app.ScanTableAsync();
            var result = await app.ToolAsync("leases", "--json");
            var after = await app.ScanTableAsync();
            Assert.True(result.ExitCode == 0, result.ToString());
            if (Describe(before) != Describe(after))
            {
                Assert.True(attempt < 30, "the table never stood still around a tool run");
                continue;
            }

            var leases = result.Json().GetProperty("leases").EnumerateArray().ToList();
            Assert.Equal(before.Count, leases.Count);
            Assert.Equal(2, leases.Count);
            foreach (var (item, lease) in before.Zip(leases))
            {
                Assert.Equal(item["leaseKey"].S, lease.GetProperty("leaseKey").GetString());
                Assert.Equal(item["leaseOwner"].S, lease.GetProperty("leaseOwner").GetString());
                Assert.Equal(Number(item, "leaseCounter"), lease.GetProperty("leaseCounter").GetInt64());
                Assert.Equal(item["checkpoint"].S, lease.GetProperty("checkpoint").GetString());
                Assert.Equal(Number(item, "checkpointSubSequenceNumber"), lease.GetProperty("checkpointSubSequenceNumber").GetInt64());
                Assert.Equal(Number(item, "ownerSwitchesSinceCheckpoint"), lease.GetProperty("ownerSwitchesSinceCheckpoint").GetInt64());
                Assert.Equal(item["startingHashKey"].S, lease.GetProperty("startingHashKey").GetString());
                Assert.Equal(item["endingHashKey"].S, lease.GetProperty("endingHashKey").GetString());
                Assert.Equal(item["kinesisattribStream"].S, lease.GetProperty("kinesisattribStream").GetString());
                Assert.Equal(item.ContainsKey("pendingCheckpoint"), lease.TryGetProperty("pendingCheckpoint", out _));
                Assert.Equal("worker-1", lease.GetProperty("leaseOwner").GetString());
                Assert.Matches("^[0-9]+$", lease.GetProperty("checkpoint").GetString()!);
            }

            break;
        }

        var lag = await app.ToolAsync("leases", "--lag", "--json");
        Assert.True(lag.ExitCode == 0, lag.ToString());
        Assert.All(lag.Json().GetProperty("leases").EnumerateArray(), l => Assert.Equal(0, l.GetProperty("lag").GetProperty("millisBehindLatest").GetInt64()));
    }

    [Fact]
    public async Task CheckpointSetForce_DuringTraffic_RedeliversFromTheNewPosition_AndTheOldOwnerDoesNotOverwriteIt()
    {
        await using var app = await CreateAsync(emulators, "cli-force", shards: 1);
        var log = new DeliveryLog();
        app.StartWorker("worker-1", () => new CheckpointEachRecordProcessor(log, "worker-1"));
        var sequences = await app.PutAsync(Enumerable.Range(0, 40).Select(i => $"p{i}"));
        await log.WhenDistinctAsync(40, Patience);

        // Traffic keeps flowing while the checkpoint is moved back to p19.
        using var stopTraffic = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            for (var i = 40; !stopTraffic.IsCancellationRequested; i++)
            {
                await app.PutAsync([$"p{i}"]);
                await Task.Delay(20);
            }
        });

        var result = await app.ToolAsync("checkpoint", "set", "--shard", Shard(0), "--to", $"sequence:{sequences[19]}", "--force", "--json");
        var deliveriesAtTheMove = log.Snapshot().Count;

        Assert.True(result.ExitCode == 0, result.ToString());
        var change = result.Json();
        Assert.Equal(sequences[19], change.GetProperty("after").GetProperty("checkpoint").GetString());
        Assert.Equal("worker-1", change.GetProperty("before").GetProperty("leaseOwner").GetString());

        // The worker loses the lease (its next checkpoint is refused), takes the free lease back and reads from p19 on:
        // p20 again. Had its stale checkpoint overwritten the move, p20 would never come again.
        await Poll.UntilAsync(() => log.Snapshot().Count(d => d.Payload == "p20") >= 2, "p20 was delivered again", Patience);
        await Poll.UntilAsync(() => log.Snapshot().Skip(deliveriesAtTheMove).Any(d => d.Payload == "p39"), "p39 was delivered again", Patience);
        await stopTraffic.CancelAsync();
        await traffic;

        var redelivered = log.Snapshot().Skip(deliveriesAtTheMove).Select(d => d.Payload).ToList();
        var replayStart = redelivered.IndexOf("p20");
        Assert.True(replayStart >= 0);
        Assert.Equal(Enumerable.Range(20, 20).Select(i => $"p{i}"), redelivered.Skip(replayStart).Take(20));
        Assert.Equal(1, log.Snapshot().Count(d => d.Payload == "p19"));

        // And the table moves on from there: the checkpoint is past p39 again.
        await Poll.UntilAsync(
            () => app.ScanTableAsync().GetAwaiter().GetResult() is [var item] && Handlers.ExtendedSequenceNumber.CompareSequenceNumbers(item["checkpoint"].S, sequences[39]) >= 0,
            "the checkpoint moved past p39 again",
            Patience);
    }

    [Fact]
    public async Task CheckpointSetAtTimestamp_OnARunningConsumer_RedeliversFromTheFirstRecordAtOrAfterIt_IncludingIt()
    {
        await using var app = await CreateAsync(emulators, "cli-time", shards: 1);
        var log = new DeliveryLog();
        app.StartWorker("worker-1", () => new CheckpointEachRecordProcessor(log, "worker-1"));
        await app.PutAsync(Enumerable.Range(0, 30).Select(i => $"p{i}"));
        await log.WhenDistinctAsync(30, Patience);

        // The time of p15's arrival, as the stream recorded it; records of the same millisecond count as at or after it.
        var iterator = await app.Kinesis.GetShardIteratorAsync(new Kinesis.GetShardIteratorRequest { StreamName = app.Stream, ShardId = Shard(0), IteratorType = Kinesis.ShardIteratorType.TrimHorizon });
        var records = (await app.Kinesis.GetRecordsAsync(new Kinesis.GetRecordsRequest { ShardIterator = iterator })).Records;
        var at = records[15].ApproximateArrivalTimestamp!.Value;
        var first = records.First(r => r.ApproximateArrivalTimestamp >= at);
        var firstPayload = System.Text.Encoding.UTF8.GetString(first.Data.Span);

        var result = await app.ToolAsync("checkpoint", "set", "--shard", Shard(0), "--to", $"at-timestamp:{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z", "--force", "--json");
        var deliveriesAtTheMove = log.Snapshot().Count;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(first.SequenceNumber, result.Json().GetProperty("after").GetProperty("checkpoint").GetString());
        Assert.Equal(-1, result.Json().GetProperty("after").GetProperty("checkpointSubSequenceNumber").GetInt64());

        // The consumer resumes AT that record: it is delivered again, then every later one, in order.
        await Poll.UntilAsync(() => log.Snapshot().Skip(deliveriesAtTheMove).Any(d => d.Payload == "p29"), "p29 was delivered again", Patience);
        var replayed = log.Snapshot().Skip(deliveriesAtTheMove).Select(d => d.Payload).ToList();
        var start = int.Parse(firstPayload[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(firstPayload, replayed[0]);
        Assert.Equal(Enumerable.Range(start, 30 - start).Select(i => $"p{i}"), replayed.Take(30 - start));
    }

    [Fact]
    public async Task Release_OfARunningWorkersLease_IsAGracefulHandOff_WithNoRecordDeliveredTwice()
    {
        await using var app = await CreateAsync(emulators, "cli-release", shards: 1);
        var log = new DeliveryLog();
        app.StartWorker("worker-1", () => new LoggingProcessor(log, "worker-1"));
        await app.PutAsync(Enumerable.Range(0, 20).Select(i => $"p{i}"));
        await log.WhenDistinctAsync(20, Patience);

        var result = await app.ToolAsync("release", "--shard", Shard(0), "--json", "--failover-time", "2s");

        // The worker answers the request as it answers another worker's: its processor checkpoints and it releases.
        Assert.True(result.ExitCode == 0, result.ToString());
        var release = Assert.Single(result.Json().GetProperty("results").EnumerateArray());
        Assert.Equal("hand-off", release.GetProperty("action").GetString());
        Assert.True(release.GetProperty("succeeded").GetBoolean());

        // The reservation is cleared, so the worker takes the lease back at once and goes on from its checkpoint.
        await app.PutAsync(Enumerable.Range(20, 5).Select(i => $"p{i}"));
        await log.WhenDistinctAsync(25, Patience);
        Assert.Equal(25, log.Snapshot().Count);
        var item = Assert.Single(await app.ScanTableAsync());
        Assert.False(item.ContainsKey("handoffRequestedBy"));
    }

    [Fact]
    public async Task Doctor_FindsAPlantedPoisonRecord_OnARunningConsumer()
    {
        await using var app = await CreateAsync(emulators, "cli-poison", shards: 1);
        var log = new DeliveryLog();
        var poisonAttempts = 0;
        app.StartWorker("worker-1", () => new CheckpointEachRecordProcessor(log, "worker-1", () => Interlocked.Increment(ref poisonAttempts)));
        var sequences = await app.PutAsync(["p0", "p1", "p2", "poison", "p3"]);
        await log.WhenDistinctAsync(3, Patience);
        await Poll.UntilAsync(() => Volatile.Read(ref poisonAttempts) >= 2, "the poison record failed twice", Patience);

        var result = await app.ToolAsync("doctor", "--json", "--interval", "3s", "--failover-time", "2s");

        Assert.True(result.ExitCode == 1, result.ToString());
        var stuck = result.Json().GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("check").GetString() == "stuck-shard");
        Assert.Equal(Shard(0), stuck.GetProperty("subject").GetString());
        Assert.Contains(sequences[3], stuck.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("renews the lease but does not checkpoint", stuck.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The fix it prints skips the poison record: the consumer goes on with p3.
        var skip = await app.ToolAsync("checkpoint", "set", "--shard", Shard(0), "--to", $"sequence:{sequences[3]}", "--force");
        Assert.True(skip.ExitCode == 0, skip.ToString());
        await log.WhenDistinctAsync(4, Patience);
        Assert.Contains(log.Snapshot(), d => d.Payload == "p3");
    }

    [Fact]
    public async Task Doctor_FindsAnOrphanedChild()
    {
        await using var app = await CreateAsync(emulators, "cli-orphan", shards: 2);
        var store = new Leases.DynamoDbLeaseStore(app.Dynamo, app.Application);
        await store.EnsureTableAsync();

        // shard 1's lease names shard 0 as its parent; shard 0, still listed by the stream, has no lease.
        Assert.True(await store.CreateLeaseIfNotExistsAsync(new Leases.Lease
        {
            LeaseKey = Shard(1),
            Checkpoint = Handlers.ExtendedSequenceNumber.TrimHorizon,
            ParentShardIds = [Shard(0)],
            StreamName = app.Stream,
        }));

        var result = await app.ToolAsync("doctor", "--interval", "200ms");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("orphaned-child", result.Out, StringComparison.Ordinal);
        Assert.Contains($"names parent '{Shard(0)}'", result.Out, StringComparison.Ordinal);
        Assert.Contains("missing-lease", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryBadInput_GivesItsExitCodeAndOneLine_AndWritesNothing()
    {
        await using var app = await CreateAsync(emulators, "cli-bad", shards: 2);
        var store = new Leases.DynamoDbLeaseStore(app.Dynamo, app.Application);
        await store.EnsureTableAsync();
        await store.CreateLeaseIfNotExistsAsync(new Leases.Lease { LeaseKey = Shard(0), Checkpoint = Handlers.ExtendedSequenceNumber.TrimHorizon, LeaseOwner = "w", LeaseCounter = 3, StreamName = app.Stream });
        await store.CreateLeaseIfNotExistsAsync(new Leases.Lease { LeaseKey = Shard(1), Checkpoint = Handlers.ExtendedSequenceNumber.TrimHorizon, StreamName = app.Stream });

        var shard1Sequence = (await app.Kinesis.PutRecordAsync(new Kinesis.PutRecordRequest { StreamName = app.Stream, PartitionKey = "x", ExplicitHashKey = "340282366920938463463374607431768211455", Data = "x"u8.ToArray() })).SequenceNumber;
        var table = Describe(await app.ScanTableAsync());
        var closedPort = $"http://127.0.0.1:{FreePort()}";
        var cases = new (int Code, string Message, string[] Args)[]
        {
            (2, "no application", ["leases", "--application", "no-such-app"]),
            (2, "stream 'no-such-stream' not found", ["leases", "--lag", "--stream", "no-such-stream"]),
            (2, "no lease for shard 'shardId-000000000042'", ["checkpoint", "set", "--shard", "shardId-000000000042", "--to", "latest"]),
            (2, "is not a Kinesis sequence number", ["checkpoint", "set", "--shard", Shard(1), "--to", "sequence:49x"]),
            (2, "is not an ISO 8601 timestamp", ["checkpoint", "set", "--shard", Shard(1), "--to", "at-timestamp:2026-13-45T99:00:00Z"]),
            (2, $"is not a record of shard '{Shard(0)}'", ["checkpoint", "set", "--shard", Shard(0), "--to", $"sequence:{shard1Sequence}", "--force"]),
            (1, $"cannot reach DynamoDB at {closedPort}", ["leases", "--dynamodb-endpoint", closedPort, "--timeout", "2s"]),
            (1, $"Kinesis at {closedPort} could not", ["leases", "--lag", "--kinesis-endpoint", closedPort, "--timeout", "2s"]),
        };

        foreach (var (code, message, args) in cases)
        {
            var result = await app.ToolAsync(args);
            Assert.True(result.ExitCode == code, $"{string.Join(' ', args)}: {result}");
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
            Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(table, Describe(await app.ScanTableAsync()));
        }
    }

    [Fact]
    public async Task JavaKclLeaseItems_AreReadAndMovedByTheTool()
    {
        await using var app = await CreateAsync(emulators, "cli-kcl", shards: 3);
        await JavaKclFixture.LoadAsync(app.Dynamo, app.Application);

        var leases = await app.ToolAsync("leases", "--json");

        Assert.True(leases.ExitCode == 0, leases.ToString());
        var rows = leases.Json().GetProperty("leases").EnumerateArray().ToDictionary(l => l.GetProperty("leaseKey").GetString()!);
        Assert.Equal(4, rows.Count);
        var parent = rows[Shard(0)];
        Assert.Equal("SHARD_END", parent.GetProperty("checkpoint").GetString());
        Assert.Equal("finished", parent.GetProperty("state").GetString());
        Assert.Equal([Shard(1), Shard(2)], parent.GetProperty("childShardIds").EnumerateArray().Select(e => e.GetString()));
        var busy = rows[Shard(1)];
        Assert.Equal("a8c1f0e2-57a4-4b3e-9d7f-2f6c0d1e4b90", busy.GetProperty("leaseOwner").GetString());
        Assert.Equal(1042, busy.GetProperty("leaseCounter").GetInt64());
        Assert.Equal("49654879403574384318213437981339536291577093812425826322", busy.GetProperty("checkpoint").GetString());
        Assert.Equal(0, busy.GetProperty("checkpointSubSequenceNumber").GetInt64());
        Assert.Equal("49654879403574384318213437981339536291577093812425826355", busy.GetProperty("pendingCheckpoint").GetString());
        Assert.Equal(2, busy.GetProperty("pendingCheckpointSubSequenceNumber").GetInt64());
        Assert.Equal(3, busy.GetProperty("ownerSwitchesSinceCheckpoint").GetInt64());
        Assert.Equal([Shard(0)], busy.GetProperty("parentShardId").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("0", busy.GetProperty("startingHashKey").GetString());
        Assert.False(busy.TryGetProperty("kinesisattribStream", out _));
        Assert.Equal("free", rows[Shard(2)].GetProperty("state").GetString());
        Assert.Equal("AT_TIMESTAMP", rows[Shard(3)].GetProperty("checkpoint").GetString());

        var workers = await app.ToolAsync("workers", "--json");
        Assert.True(workers.ExitCode == 0, workers.ToString());
        Assert.Equal(2, workers.Json().GetProperty("workers").GetArrayLength());

        // Moving the free lease's checkpoint writes only the KCL attributes a worker writes; the rest of the item stays.
        var set = await app.ToolAsync("checkpoint", "set", "--shard", Shard(2), "--to", "latest");
        Assert.True(set.ExitCode == 0, set.ToString());
        var items = (await app.ScanTableAsync()).ToDictionary(i => i["leaseKey"].S);
        Assert.Equal("LATEST", items[Shard(2)]["checkpoint"].S);
        Assert.Equal("0", items[Shard(2)]["checkpointSubSequenceNumber"].N);
        Assert.False(items[Shard(2)].ContainsKey("leaseOwner"));
        Assert.Equal(Shard(0), Assert.Single(items[Shard(2)]["parentShardId"].SS));
        Assert.Equal("170141183460469231731687303715884105728", items[Shard(2)]["startingHashKey"].S);
        Assert.Equal("12.5", items[Shard(1)]["throughputKBps"].N);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
