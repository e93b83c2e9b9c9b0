using System.Text.Json;
using KinesisAttrib.Cli.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using Microsoft.Extensions.Time.Testing;
using static KinesisAttrib.Cli.Tests.InMemoryApp;

namespace KinesisAttrib.Cli.Tests;

/// <summary>Every command against the in-memory Kinesis client and lease store.</summary>
public sealed class CommandTests
{
    private static readonly string[] Common = ["--application", Application, "--stream", StreamName];

    private static Task<ToolResult> Run(InMemoryApp app, params string[] args) =>
        Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, [.. args, .. Common]);

    [Fact]
    public async Task Leases_Json_ReportsEveryAttributeOfEachLease()
    {
        await using var app = await CreateAsync(2);
        await app.AddLeaseAsync(Shard(0), owner: "worker-a", checkpoint: new ExtendedSequenceNumber("49590000000000000000000000000000000000000000000000000002", 3), counter: 7);
        var prepared = await app.Store.PrepareCheckpointAsync((await app.Store.GetLeaseAsync(Shard(0)))!, new ExtendedSequenceNumber("49590000000000000000000000000000000000000000000000000009", 1));
        Assert.NotNull(prepared);
        await app.AddLeaseAsync(Shard(1), parents: [Shard(0)]);

        var result = await Run(app, "leases", "--json");

        Assert.Equal(0, result.ExitCode);
        var leases = result.Json().GetProperty("leases").EnumerateArray().ToList();
        Assert.Equal(2, leases.Count);
        var first = leases[0];
        Assert.Equal(Shard(0), first.GetProperty("leaseKey").GetString());
        Assert.Equal("worker-a", first.GetProperty("leaseOwner").GetString());
        Assert.Equal(8, first.GetProperty("leaseCounter").GetInt64());
        Assert.Equal("49590000000000000000000000000000000000000000000000000002", first.GetProperty("checkpoint").GetString());
        Assert.Equal(3, first.GetProperty("checkpointSubSequenceNumber").GetInt64());
        Assert.Equal("49590000000000000000000000000000000000000000000000000009", first.GetProperty("pendingCheckpoint").GetString());
        Assert.Equal(1, first.GetProperty("pendingCheckpointSubSequenceNumber").GetInt64());
        Assert.Equal("held", first.GetProperty("state").GetString());
        Assert.Equal(StreamName, first.GetProperty("kinesisattribStream").GetString());
        Assert.Equal("0", first.GetProperty("startingHashKey").GetString());
        var second = leases[1];
        Assert.Equal("free", second.GetProperty("state").GetString());
        Assert.Equal([Shard(0)], second.GetProperty("parentShardId").EnumerateArray().Select(e => e.GetString()));
        Assert.False(second.TryGetProperty("leaseOwner", out _));
    }

    [Fact]
    public async Task Leases_Table_HasOneRowPerShard_AndTheLagWithLag()
    {
        await using var app = await CreateAsync(2);
        await app.AddLeaseAsync(Shard(0), owner: "worker-a");
        await app.AddLeaseAsync(Shard(1), checkpoint: ExtendedSequenceNumber.Latest);
        await app.PutAsync(Shard(0), "a", "b");

        var result = await Run(app, "leases", "--lag");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(Shard(0), result.Out, StringComparison.Ordinal);
        Assert.Contains(Shard(1), result.Out, StringComparison.Ordinal);
        Assert.Contains("next record waiting", result.Out, StringComparison.Ordinal);
        Assert.Contains("at LATEST", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leases_WithObserve_TellsALiveOwnerFromAnExpiredOne()
    {
        await using var app = await CreateAsync(2);
        app.RunOwner(await app.AddLeaseAsync(Shard(0), owner: "alive"));
        await app.AddLeaseAsync(Shard(1), owner: "gone");

        var result = await Run(app, "leases", "--json", "--observe", "--failover-time", "1s");

        var states = result.Json().GetProperty("leases").EnumerateArray().ToDictionary(l => l.GetProperty("shardId").GetString()!, l => l.GetProperty("state").GetString());
        Assert.Equal("live", states[Shard(0)]);
        Assert.Equal("expired", states[Shard(1)]);
    }

    [Fact]
    public async Task Workers_CountsLeasesPerWorker_AgainstTheEvenShare()
    {
        await using var app = await CreateAsync(4);
        await app.AddLeaseAsync(Shard(0), owner: "a");
        await app.AddLeaseAsync(Shard(1), owner: "a");
        await app.AddLeaseAsync(Shard(2), owner: "a");
        await app.AddLeaseAsync(Shard(3), owner: "b");

        var result = await Run(app, "workers", "--json");

        Assert.Equal(0, result.ExitCode);
        var report = result.Json();
        Assert.Equal(2, report.GetProperty("evenShare").GetDouble());
        var workers = report.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal("a", workers[0].GetProperty("worker").GetString());
        Assert.Equal(3, workers[0].GetProperty("leases").GetInt32());
        Assert.Equal(1.5, workers[0].GetProperty("share").GetDouble());
        Assert.Equal(1, workers[1].GetProperty("leases").GetInt32());
    }

    [Fact]
    public async Task CheckpointSet_OnAFreeLease_WritesTheCheckpoint_AndLeavesTheLeaseFree()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "a", "b", "c");
        await app.AddLeaseAsync(Shard(0), checkpoint: new ExtendedSequenceNumber(sequences[2]));

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "trim-horizon");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("-> TRIM_HORIZON", result.Out, StringComparison.Ordinal);
        var lease = await app.Store.GetLeaseAsync(Shard(0));
        Assert.Equal(ExtendedSequenceNumber.TrimHorizon, lease!.Checkpoint);
        Assert.Null(lease.LeaseOwner);
    }

    [Fact]
    public async Task CheckpointSet_WhileALiveWorkerHoldsTheLease_IsRefused_AndWritesNothing()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "a", "b");
        app.RunOwner(await app.AddLeaseAsync(Shard(0), owner: "worker-a", checkpoint: new ExtendedSequenceNumber(sequences[1])));

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "trim-horizon", "--failover-time", "2s");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("held by live worker 'worker-a'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing written", result.Error, StringComparison.Ordinal);
        var lease = await app.Store.GetLeaseAsync(Shard(0));
        Assert.Equal(sequences[1], lease!.Checkpoint.SequenceNumber);
        Assert.Equal("worker-a", lease.LeaseOwner);
    }

    [Fact]
    public async Task CheckpointSet_WithForce_TakesTheLease_SoTheOldOwnersNextCheckpointIsRefused()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "a", "b", "c");
        var held = await app.AddLeaseAsync(Shard(0), owner: "worker-a", checkpoint: new ExtendedSequenceNumber(sequences[1]));

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", $"sequence:{sequences[0]}", "--force", "--json");

        Assert.Equal(0, result.ExitCode);
        var change = result.Json();
        Assert.True(change.GetProperty("forced").GetBoolean());
        Assert.Equal(sequences[0], change.GetProperty("after").GetProperty("checkpoint").GetString());

        // The old owner still thinks it holds the lease: its conditional checkpoint is refused, so it cannot undo the move.
        Assert.Null(await app.Store.UpdateCheckpointAsync(held, new ExtendedSequenceNumber(sequences[2])));
        Assert.Null(await app.Store.RenewLeaseAsync(held));
        var lease = await app.Store.GetLeaseAsync(Shard(0));
        Assert.Equal(new ExtendedSequenceNumber(sequences[0]), lease!.Checkpoint);
        Assert.Null(lease.LeaseOwner);
    }

    [Fact]
    public async Task CheckpointSet_OfAnExpiredLease_NeedsNoForce()
    {
        await using var app = await CreateAsync(1);
        await app.AddLeaseAsync(Shard(0), owner: "gone", checkpoint: ExtendedSequenceNumber.TrimHorizon);

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "latest", "--failover-time", "200ms");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("gone (expired: wrote nothing for", result.Out, StringComparison.Ordinal);
        Assert.Equal(ExtendedSequenceNumber.Latest, (await app.Store.GetLeaseAsync(Shard(0)))!.Checkpoint);
    }

    [Fact]
    public async Task CheckpointSet_DryRun_PrintsTheChange_AndWritesNothing()
    {
        await using var app = await CreateAsync(1);
        var before = await app.AddLeaseAsync(Shard(0), checkpoint: ExtendedSequenceNumber.Latest);

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "trim-horizon", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("dry run", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, await app.Store.GetLeaseAsync(Shard(0)));
    }

    [Fact]
    public async Task CheckpointSet_AtTimestamp_ResolvesToTheFirstRecordAtOrAfterIt_AndResumesAtThatRecord()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = await CreateAsync(1, clock);
        var early = await app.PutAsync(Shard(0), "early");
        clock.Advance(TimeSpan.FromMinutes(10));
        var late = await app.PutAsync(Shard(0), "late-1", "late-2");
        await app.AddLeaseAsync(Shard(0), checkpoint: new ExtendedSequenceNumber(late[1]));

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "at-timestamp:2026-01-01T12:05:00Z");

        Assert.Equal(0, result.ExitCode);
        var lease = await app.Store.GetLeaseAsync(Shard(0));

        // Sub-sequence −1: before the record's first user record, so the consumer delivers "late-1" first.
        Assert.Equal(new ExtendedSequenceNumber(late[0], -1), lease!.Checkpoint);
        Assert.NotEqual(early[0], late[0]);
        Assert.Contains($"before {late[0]}", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointSet_AtSequenceAndSequenceWithSubSequence_WriteTheKclPositions()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "a", "b");
        await app.AddLeaseAsync(Shard(0));

        Assert.Equal(0, (await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", $"sequence:{sequences[1]}/4")).ExitCode);
        Assert.Equal(new ExtendedSequenceNumber(sequences[1], 4), (await app.Store.GetLeaseAsync(Shard(0)))!.Checkpoint);

        Assert.Equal(0, (await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", $"at-sequence:{sequences[0]}")).ExitCode);
        Assert.Equal(new ExtendedSequenceNumber(sequences[0], -1), (await app.Store.GetLeaseAsync(Shard(0)))!.Checkpoint);
    }

    [Theory]
    [InlineData("no application 'nope'", "--application", "nope", "leases")]
    [InlineData("no lease for shard 'shardId-000000000009'", "checkpoint", "set", "--shard", "shardId-000000000009", "--to", "latest")]
    [InlineData("'12ab' is not a Kinesis sequence number", "checkpoint", "set", "--shard", "shardId-000000000000", "--to", "sequence:12ab")]
    [InlineData("'yesterday' is not an ISO 8601 timestamp", "checkpoint", "set", "--shard", "shardId-000000000000", "--to", "at-timestamp:yesterday")]
    [InlineData("is in the future", "checkpoint", "set", "--shard", "shardId-000000000000", "--to", "at-timestamp:2999-01-01T00:00:00Z")]
    [InlineData("is not a position", "checkpoint", "set", "--shard", "shardId-000000000000", "--to", "middle")]
    [InlineData("'-1' is not a sub-sequence number", "checkpoint", "set", "--shard", "shardId-000000000000", "--to", "sequence:123/-1")]
    [InlineData("release needs exactly one of --shard and --worker", "release")]
    [InlineData("worker 'nobody' holds no lease", "release", "--worker", "nobody")]
    [InlineData("stream 'missing' not found", "leases", "--lag", "--stream", "missing")]
    [InlineData("is not a duration", "leases", "--observe", "--failover-time", "soon")]
    [InlineData("is not an http:// or https:// URL", "leases", "--dynamodb-endpoint", "ftp://x")]
    [InlineData("Unrecognized command or argument 'lease'", "lease")]
    public async Task BadInput_ExitsWith2_NamesTheProblemOnOneLine_AndWritesNothing(string message, params string[] args)
    {
        await using var app = await CreateAsync(1);
        await app.AddLeaseAsync(Shard(0), owner: "worker-a");
        var before = await app.Store.ListLeasesAsync();

        string[] application = args.Contains("--application") ? [] : ["--application", Application];
        string[] stream = args.Contains("--stream") ? [] : ["--stream", StreamName];
        var result = await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, [.. application, .. stream, .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.StartsWith("kinesisattrib: ", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await app.Store.ListLeasesAsync());
    }

    [Fact]
    public async Task Help_ExitsWith0_AndNoCommandIsAUsageError()
    {
        await using var app = await CreateAsync(1);
        Assert.Equal(0, (await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, "--help")).ExitCode);
        Assert.Equal(0, (await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, "checkpoint", "set", "--help")).ExitCode);
        var none = await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application);
        Assert.Equal(2, none.ExitCode);
        var noApplication = await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, "leases");
        Assert.Equal(2, noApplication.ExitCode);
        Assert.Contains("--application", noApplication.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SequenceNumberOfAnotherShard_IsAUsageError()
    {
        await using var app = await CreateAsync(2);
        await app.AddLeaseAsync(Shard(0));

        var result = await Run(app, "checkpoint", "set", "--shard", Shard(0), "--to", "sequence:99999999999999999999999999999999999999999999999999999999999999");

        // The in-memory stream positions an unknown number after its records, as Kinesis does within a shard; the real
        // service refuses other shards' numbers (covered by the emulator tests). Here the write goes through.
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Release_OfAnExpiredLease_FreesIt()
    {
        await using var app = await CreateAsync(1);
        await app.AddLeaseAsync(Shard(0), owner: "gone");

        var result = await Run(app, "release", "--shard", Shard(0), "--failover-time", "200ms");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("freed", result.Out, StringComparison.Ordinal);
        var lease = await app.Store.GetLeaseAsync(Shard(0));
        Assert.Null(lease!.LeaseOwner);
        Assert.Null(lease.HandoffRequestedBy);
    }

    [Fact]
    public async Task ReleaseWorker_FreesEveryUnfinishedLeaseOfAGoneWorker_AndNoOther()
    {
        await using var app = await CreateAsync(3);
        await app.AddLeaseAsync(Shard(0), owner: "gone");
        await app.AddLeaseAsync(Shard(1), owner: "gone");
        await app.AddLeaseAsync(Shard(2), owner: "other");

        var result = await Run(app, "release", "--worker", "gone", "--failover-time", "200ms", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.Json().GetProperty("results").GetArrayLength());
        Assert.Null((await app.Store.GetLeaseAsync(Shard(0)))!.LeaseOwner);
        Assert.Null((await app.Store.GetLeaseAsync(Shard(1)))!.LeaseOwner);
        Assert.Equal("other", (await app.Store.GetLeaseAsync(Shard(2)))!.LeaseOwner);
    }

    [Fact]
    public async Task Release_OfALiveOwner_AsksForAHandOff_WhichTheOwnerAnswersWithACheckpointAndARelease()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "a", "b");
        app.RunOwner(await app.AddLeaseAsync(Shard(0), owner: "worker-a"), checkpointOnHandoff: new ExtendedSequenceNumber(sequences[1]));

        var result = await Run(app, "release", "--shard", Shard(0), "--json", "--failover-time", "2s");

        Assert.Equal(0, result.ExitCode);
        var release = Assert.Single(result.Json().GetProperty("results").EnumerateArray());
        Assert.Equal("hand-off", release.GetProperty("action").GetString());
        var lease = await app.Store.GetLeaseAsync(Shard(0));
        Assert.Null(lease!.LeaseOwner);

        // The reservation for the tool is cleared, so any worker may take the lease at once.
        Assert.Null(lease.HandoffRequestedBy);
        Assert.Equal(sequences[1], lease.Checkpoint.SequenceNumber);
    }

    [Fact]
    public async Task Release_OfAnOwnerThatDoesNotAnswer_FailsAfterTheWait_LeavingTheRequest()
    {
        await using var app = await CreateAsync(1);
        var lease = await app.AddLeaseAsync(Shard(0), owner: "busy");

        // Renews but never looks at hand-off requests (a consumer stuck in a long batch keeps renewing).
        using var stop = new CancellationTokenSource();
        var renewer = Task.Run(async () =>
        {
            var held = lease;
            while (!stop.IsCancellationRequested && held is not null)
            {
                await Task.Delay(20);
                held = await app.Store.RenewLeaseAsync(held) ?? await app.Store.GetLeaseAsync(Shard(0));
            }
        });

        var result = await Run(app, "release", "--shard", Shard(0), "--wait", "500ms", "--failover-time", "2s");

        await stop.CancelAsync();
        await renewer;
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did not hand it off within", result.Out, StringComparison.Ordinal);
        var asked = (await app.Store.GetLeaseAsync(Shard(0)))!;
        Assert.Equal("busy", asked.LeaseOwner);
        Assert.StartsWith("kinesisattrib-cli@", asked.HandoffRequestedBy, StringComparison.Ordinal);

        // The owner answers later; a second release clears the reservation the request left on the free lease.
        Assert.NotNull(await app.Store.EvictLeaseAsync(asked));
        var again = await Run(app, "release", "--shard", Shard(0));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("reservation is cleared", again.Out, StringComparison.Ordinal);
        Assert.Null((await app.Store.GetLeaseAsync(Shard(0)))!.HandoffRequestedBy);
    }

    [Fact]
    public async Task Doctor_FindsAnOrphanedChild_AMissingLease_ALeaseOfAnotherStream_AndUnbalancedWorkers()
    {
        await using var app = await CreateAsync(4);

        // shard 1 names shard 0 as its parent, and shard 0 has no lease although the stream lists it.
        await app.AddLeaseAsync(Shard(1), parents: [Shard(0)]);
        await app.AddLeaseAsync(Shard(2), owner: "a", checkpoint: ExtendedSequenceNumber.Latest);
        await app.AddLeaseAsync(Shard(3), owner: "a", checkpoint: ExtendedSequenceNumber.Latest, stream: "payments");
        await app.AddLeaseAsync("shardId-000000000007", owner: "a", checkpoint: ExtendedSequenceNumber.Latest);
        await app.AddLeaseAsync("shardId-000000000008", owner: "b", checkpoint: ExtendedSequenceNumber.Latest, counter: 3);
        await app.Store.TakeLeaseAsync((await app.Store.GetLeaseAsync("shardId-000000000008"))!, "b");

        var result = await Run(app, "doctor", "--json", "--interval", "100ms");

        Assert.Equal(1, result.ExitCode);
        var findings = result.Json().GetProperty("findings").EnumerateArray().Select(f => (Check: f.GetProperty("check").GetString(), Subject: f.GetProperty("subject").GetString())).ToList();
        Assert.Contains(("orphaned-child", Shard(1)), findings);
        Assert.Contains(("missing-lease", Shard(0)), findings);
        Assert.Contains(("other-stream", Shard(3)), findings);
        Assert.Contains(("unknown-shard", "shardId-000000000007"), findings);
        Assert.Contains(("unbalanced", "a"), findings);
    }

    [Fact]
    public async Task Doctor_FindsAShardStuckOnARecord_WhoseOwnerRenewsButDoesNotCheckpoint()
    {
        await using var app = await CreateAsync(1);
        var sequences = await app.PutAsync(Shard(0), "ok", "poison", "after");
        app.RunOwner(await app.AddLeaseAsync(Shard(0), owner: "worker-a", checkpoint: new ExtendedSequenceNumber(sequences[0])));

        var result = await Run(app, "doctor", "--json", "--interval", "300ms");

        Assert.Equal(1, result.ExitCode);
        var stuck = result.Json().GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("check").GetString() == "stuck-shard");
        Assert.Equal(Shard(0), stuck.GetProperty("subject").GetString());
        Assert.Contains(sequences[1], stuck.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains($"--to sequence:{sequences[1]}", stuck.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_OnAHealthyApplication_ExitsWith0()
    {
        await using var app = await CreateAsync(2);
        app.RunOwner(await app.AddLeaseAsync(Shard(0), owner: "a", checkpoint: ExtendedSequenceNumber.Latest));
        app.RunOwner(await app.AddLeaseAsync(Shard(1), owner: "b", checkpoint: ExtendedSequenceNumber.Latest));

        var result = await Run(app, "doctor", "--interval", "100ms");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no problem found", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WithIterations_PrintsAFramePerRefresh()
    {
        await using var app = await CreateAsync(1);
        await app.AddLeaseAsync(Shard(0), owner: "a");

        var result = await Run(app, "watch", "--iterations", "2", "--refresh", "50ms");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Out.Split("refreshed every", StringSplitOptions.None).Length - 1);
        Assert.Contains("workers of billing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JavaKclTable_WithoutStreamAttribute_NeedsStream_ForCommandsThatReadKinesis()
    {
        await using var app = await CreateAsync(1);
        await app.AddLeaseAsync(Shard(0), stream: null);

        var result = await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, "--application", Application, "leases", "--lag");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stream is needed", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await Tool.RunInMemoryAsync(app.Kinesis, app.Store, Application, "--application", Application, "leases")).ExitCode);
    }

    [Fact]
    public void JsonOutput_UsesTheLeaseTablesAttributeNames()
    {
        var names = typeof(Model.LeaseRow).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet();
        foreach (var attribute in new[] { LeaseAttributes.LeaseKey, LeaseAttributes.LeaseOwner, LeaseAttributes.LeaseCounter, LeaseAttributes.Checkpoint, LeaseAttributes.CheckpointSubSequenceNumber, LeaseAttributes.PendingCheckpoint, LeaseAttributes.PendingCheckpointSubSequenceNumber, LeaseAttributes.OwnerSwitchesSinceCheckpoint, LeaseAttributes.ParentShardId, LeaseAttributes.ChildShardIds, LeaseAttributes.StartingHashKey, LeaseAttributes.EndingHashKey, LeaseAttributes.HandoffRequestedBy })
        {
            Assert.Contains(attribute, names);
        }
    }
}
