using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Spectre.Console;

namespace KinesisAttrib.Cli.Commands;

/// <summary>
/// <c>kinesisattrib doctor</c>: checks an application end to end and prints findings with fixes. Takes two samples of
/// the table and of each shard's position, <c>--interval</c> apart, to see what moves.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var interval = GlobalOptions.Duration("--interval", TimeSpan.FromSeconds(5), "Time between the two samples (a stuck shard is one whose checkpoint does not move over it while records wait; default 5s).");
        var json = GlobalOptions.Json();
        var failover = GlobalOptions.FailoverTime();
        var command = new Command("doctor", "Check the application end to end: table and stream, leases for every open shard, lineage, streams, stuck shards, balance. Exit 1 when a finding needs action.")
        {
            interval, json, failover,
        };
        command.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, async (session, output, token) =>
        {
            var report = await ExamineAsync(session, parse.GetValue(interval), parse.GetValue(failover), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                output.Json(report, CliJsonContext.Output.DoctorReport);
            }
            else
            {
                Print(output, report);
            }

            return report.Findings.Any(f => f.Severity is Severity.Error or Severity.Warning) ? ExitCodes.Failure : ExitCodes.Success;
        }, ct));
        return command;
    }

    internal static class Severity
    {
        public const string Ok = "ok";
        public const string Info = "info";
        public const string Warning = "warning";
        public const string Error = "error";
    }

    internal static async Task<DoctorReport> ExamineAsync(Session session, TimeSpan interval, TimeSpan failoverTime, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var observer = new LeaseObserver(failoverTime);
        var first = await session.ScanAsync(cancellationToken).ConfigureAwait(false);
        observer.Observe(first);
        findings.Add(new(Severity.Ok, "table", session.TableName, $"lease table '{session.TableName}' is reachable: {first.All.Count} leases ({first.Leases.Count} of this stream's key schema)", null));

        var stream = await session.RequireStreamAsync(first, cancellationToken).ConfigureAwait(false);
        var shards = await session.ListShardsAsync(stream, cancellationToken).ConfigureAwait(false);
        var open = shards.Where(s => s.EndingSequenceNumber is null).ToList();
        findings.Add(new(Severity.Ok, "stream", stream, $"stream '{stream}' is reachable: {shards.Count} shards, {open.Count} open", null));

        var lags1 = await LeaseReading.LagsAsync(session, first, stream, cancellationToken).ConfigureAwait(false);
        await Task.Delay(interval, session.Time, cancellationToken).ConfigureAwait(false);
        var second = await session.ScanAsync(cancellationToken).ConfigureAwait(false);
        observer.Observe(second);
        var lags2 = await LeaseReading.LagsAsync(session, second, stream, cancellationToken).ConfigureAwait(false);

        var now = session.Time.GetUtcNow();
        var listed = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        var leases = second.Leases.ToDictionary(second.ShardIdOf, StringComparer.Ordinal);

        CheckStreams(findings, second, stream, listed);
        CheckOpenShards(findings, open, leases);
        CheckLineage(findings, leases, listed, observer, now);
        CheckStuck(findings, first, second, lags1, lags2, observer, now, interval);
        CheckOwners(findings, second, observer, now, interval);
        CheckBalance(findings, second);

        if (!findings.Any(f => f.Severity is not Severity.Ok))
        {
            findings.Add(new(Severity.Ok, "all", null, "no problem found", null));
        }

        return new DoctorReport(session.Settings.Application, session.TableName, stream, interval.TotalSeconds, findings);
    }

    private static void CheckStreams(List<Finding> findings, LeaseScan scan, string stream, Dictionary<string, Shard> listed)
    {
        foreach (var lease in scan.Leases)
        {
            var shardId = scan.ShardIdOf(lease);
            if (lease.StreamName is { } other && other != stream)
            {
                findings.Add(new(Severity.Error, "other-stream", shardId,
                    $"lease '{lease.LeaseKey}' belongs to stream '{other}', not '{stream}': a consumer of '{stream}' on this table stops at start-up rather than read from another stream's checkpoints",
                    $"give each stream's consumer its own application name (table), or pass --stream {other} if that is the stream you meant"));
            }
            else if (!listed.ContainsKey(shardId) && !lease.Checkpoint.IsShardEnd)
            {
                findings.Add(new(Severity.Warning, "unknown-shard", shardId,
                    $"lease '{lease.LeaseKey}' is for a shard stream '{stream}' does not list: it expired past the retention period unprocessed, or the lease is another stream's (a table reused after its stream was recreated)",
                    "an expired shard is ended by its consumer (its unread records are gone); if the table belongs to another stream, use a new application name"));
            }
        }
    }

    private static void CheckOpenShards(List<Finding> findings, List<Shard> open, Dictionary<string, Lease> leases)
    {
        foreach (var shard in open.Where(s => !leases.ContainsKey(s.ShardId)))
        {
            findings.Add(new(Severity.Warning, "missing-lease", shard.ShardId,
                $"open shard '{shard.ShardId}' has no lease: no worker reads it",
                "start (or check) a worker: its shard sync creates a lease for every listed shard at start and every ShardSyncInterval"));
        }
    }

    private static void CheckLineage(List<Finding> findings, Dictionary<string, Lease> leases, Dictionary<string, Shard> listed, LeaseObserver observer, DateTimeOffset now)
    {
        foreach (var (shardId, lease) in leases)
        {
            var notStarted = lease.Checkpoint.IsSentinel && !lease.Checkpoint.IsShardEnd;
            foreach (var parentId in lease.ParentShardIds)
            {
                if (leases.TryGetValue(parentId, out var parent))
                {
                    if (parent.Checkpoint.IsShardEnd || !notStarted)
                    {
                        continue;
                    }

                    var state = observer.StateOf(parent, now);
                    if (state is LeaseState.Free or LeaseState.Expired)
                    {
                        findings.Add(new(Severity.Warning, "blocked-child", shardId,
                            $"shard '{shardId}' waits for its parent '{parentId}', which is not finished and {(state == LeaseState.Free ? "has no owner" : $"whose owner '{parent.LeaseOwner}' stopped renewing it")}",
                            $"make sure a worker runs: it takes '{parentId}', reads it to its end and checkpoints SHARD_END, then '{shardId}' starts"));
                    }
                    else
                    {
                        findings.Add(new(Severity.Info, "waiting-child", shardId, $"shard '{shardId}' waits for its parent '{parentId}' to be read to its end (normal after a split or merge)", null));
                    }
                }
                else if (listed.ContainsKey(parentId) && notStarted)
                {
                    findings.Add(new(Severity.Error, "orphaned-child", shardId,
                        $"shard '{shardId}' names parent '{parentId}', which the stream still lists but which has no lease: the child starts as if its parent were finished, and the parent's records after its last checkpoint are never read (the shard sync does not recreate the parent of a leased shard)",
                        $"if '{parentId}' was fully processed, nothing to do; otherwise restore its lease row (from a backup or export), or read it with a separate application at TRIM_HORIZON"));
                }
            }
        }

        foreach (var (shardId, lease) in leases.Where(l => l.Value.Checkpoint.IsShardEnd))
        {
            var children = lease.ChildShardIds.Count > 0 ? lease.ChildShardIds : [.. leases.Where(l => l.Value.ParentShardIds.Contains(shardId)).Select(l => l.Key)];
            var allStarted = children.Count > 0 && children.All(c => !leases.TryGetValue(c, out var child) || !child.Checkpoint.IsSentinel || child.Checkpoint.IsShardEnd);
            if (allStarted)
            {
                findings.Add(new(Severity.Info, "finished-parent", shardId,
                    $"finished shard '{shardId}' still has its lease although its children ({string.Join(", ", children)}) have started",
                    "the workers' lease cleaner deletes it after CompletedLeaseRetention (1 h by default); if it stays for longer, no worker is running"));
            }
        }
    }

    private static void CheckStuck(List<Finding> findings, LeaseScan first, LeaseScan second, Dictionary<string, LagInfo> lags1, Dictionary<string, LagInfo> lags2, LeaseObserver observer, DateTimeOffset now, TimeSpan interval)
    {
        foreach (var lease in second.Leases.Where(l => l.LeaseOwner is not null && !l.Checkpoint.IsShardEnd))
        {
            var before = first.Leases.FirstOrDefault(l => l.LeaseKey == lease.LeaseKey);
            if (before is null || before.Checkpoint != lease.Checkpoint || before.PendingCheckpoint != lease.PendingCheckpoint)
            {
                continue;
            }

            if (!lags1.TryGetValue(lease.LeaseKey, out var lag1) || !lags2.TryGetValue(lease.LeaseKey, out var lag2) || !lag1.HasBacklog || !lag2.HasBacklog)
            {
                continue;
            }

            // The same record waited at both samples (or the service's lag grew), and nothing was checkpointed past it.
            var sameRecord = lag1.NextSequenceNumber is not null && lag1.NextSequenceNumber == lag2.NextSequenceNumber;
            var lagGrew = lag2.MillisBehindLatest > lag1.MillisBehindLatest;
            if (!sameRecord && !lagGrew)
            {
                continue;
            }

            var shardId = second.ShardIdOf(lease);
            var waiting = lag2.NextRecordArrival is { } arrival ? $", waiting for {Output.Duration(now - arrival)}" : "";
            var owner = observer.StateOf(lease, now) == LeaseState.Live ? $"its owner '{lease.LeaseOwner}' renews the lease but does not checkpoint" : $"its owner is '{lease.LeaseOwner}'";
            var skip = lag2.NextSequenceNumber is { } next ? $"kinesisattrib checkpoint set --shard {shardId} --to sequence:{next} --force" : null;
            findings.Add(new(Severity.Error, "stuck-shard", shardId,
                $"shard '{shardId}' is stuck at checkpoint {Output.Position(lease.Checkpoint)}: the next record ({lag2.NextSequenceNumber ?? "?"}{waiting}) was not checkpointed past in {Output.Duration(interval)}; {owner} (a poison record failing every retry, or a hung handler)",
                skip is null
                    ? "look at the owner's logs for the failing record"
                    : $"look at the owner's logs for the failing record; to skip that one record (it is then never delivered): {skip}"));
        }
    }

    private static void CheckOwners(List<Finding> findings, LeaseScan scan, LeaseObserver observer, DateTimeOffset now, TimeSpan interval)
    {
        if (interval < observer.FailoverTime)
        {
            return;
        }

        foreach (var group in scan.Leases.Where(l => observer.StateOf(l, now) == LeaseState.Expired).GroupBy(l => l.LeaseOwner!, StringComparer.Ordinal))
        {
            findings.Add(new(Severity.Warning, "expired", group.Key,
                $"worker '{group.Key}' wrote none of its {group.Count()} leases for {Output.Duration(interval)} (failover time {Output.Duration(observer.FailoverTime)}): it is gone or cannot reach the table",
                $"a running worker takes them at its next taker cycle; to free them now: kinesisattrib release --worker {group.Key}"));
        }
    }

    private static void CheckBalance(List<Finding> findings, LeaseScan scan)
    {
        var counts = scan.Leases.Where(l => l.LeaseOwner is not null && !l.Checkpoint.IsShardEnd)
            .GroupBy(l => l.LeaseOwner!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (counts.Count < 2)
        {
            return;
        }

        var max = counts.MaxBy(c => c.Value);
        var min = counts.MinBy(c => c.Value);
        if (max.Value - min.Value > 1)
        {
            findings.Add(new(Severity.Warning, "unbalanced", max.Key,
                $"workers are unbalanced: '{max.Key}' holds {max.Value} leases, '{min.Key}' {min.Value} (the runtime converges to within one)",
                $"usually transient (hand-offs take a taker cycle or two); if it persists, check MaxLeasesForWorker, or hand one off: kinesisattrib release --shard <one of {max.Key}'s>"));
        }
    }

    private static void Print(Output output, DoctorReport report)
    {
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"doctor: {report.Application} (table {report.Table}, stream {report.Stream})"));
        table.AddColumns("", "check", "subject", "finding / fix");
        foreach (var finding in report.Findings)
        {
            var text = finding.Fix is null ? finding.Message : $"{finding.Message}\nfix: {finding.Fix}";
            table.AddRow(new Text(finding.Severity), new Text(finding.Check), new Text(finding.Subject ?? "-"), new Text(text));
        }

        output.Console.Write(table);
    }
}
