using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Commands;

/// <summary>
/// <c>kinesisattrib checkpoint set</c>: moves one shard's checkpoint (replay or skip). The lease is taken first through
/// the runtime's own conditional take (<see cref="ILeaseStore.TakeLeaseAsync"/>, on the counter the tool read), so an
/// owner that still runs finds its lease lost at its next renewal or checkpoint and can never write over the new
/// checkpoint; then the checkpoint is written as its new owner, and the lease released for the workers to take.
/// </summary>
internal static class CheckpointCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var shard = new Option<string>("--shard") { Description = "The shard id (e.g. shardId-000000000001).", Required = true };
        var to = new Option<string>("--to") { Description = $"The new position: {CheckpointTarget.Forms}.", Required = true };
        var force = new Option<bool>("--force") { Description = "Take the lease from a live owner (its processor loses the lease; records it processed after the new position are delivered again)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would change; write nothing." };
        var json = GlobalOptions.Json();
        var failover = GlobalOptions.FailoverTime();
        var set = new Command("set", "Move a shard's checkpoint. Refused while a live worker holds the lease, unless --force.")
        {
            shard, to, force, dryRun, json, failover,
        };
        set.Validators.Add(result =>
        {
            // A malformed position is a usage error before anything is read.
            if (result.GetValue(to) is { } text)
            {
                try
                {
                    CheckpointTarget.Parse(text, environment.Time.GetUtcNow());
                }
                catch (UsageException ex)
                {
                    result.AddError(ex.Message);
                }
            }
        });
        set.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, (session, output, token) =>
            SetAsync(session, output, parse.GetRequiredValue(shard), parse.GetRequiredValue(to), parse.GetValue(force), parse.GetValue(dryRun), parse.GetValue(json), parse.GetValue(failover), token), ct));
        return new Command("checkpoint", "Checkpoint commands.") { set };
    }

    private static async Task<int> SetAsync(Session session, Output output, string shardId, string to, bool force, bool dryRun, bool json, TimeSpan failoverTime, CancellationToken cancellationToken)
    {
        var target = CheckpointTarget.Parse(to, session.Time.GetUtcNow());
        var scan = await session.ScanAsync(cancellationToken).ConfigureAwait(false);
        var lease = scan.Find(shardId) ?? throw new UsageException(NoLease(session, scan, shardId));
        if (lease.Checkpoint.IsShardEnd && !force)
        {
            throw new ToolFailureException($"shard '{shardId}' is finished (SHARD_END) and its children may have started: moving it back replays it after them, out of order. Pass --force to do it anyway. Nothing written.");
        }

        // Resolve and check the position against the stream before anything is written.
        var (position, resolution) = await ResolveAsync(session, scan, shardId, target, cancellationToken).ConfigureAwait(false);

        var ownerWas = "free";
        if (lease.LeaseOwner is { } owner)
        {
            if (force)
            {
                ownerWas = "taken with --force";
            }
            else
            {
                var liveness = await Liveness.ObserveAsync(session, lease, failoverTime, cancellationToken).ConfigureAwait(false);
                if (liveness.Live)
                {
                    throw new ToolFailureException(
                        $"shard '{shardId}' is held by live worker '{liveness.Current.LeaseOwner ?? owner}' (its lease counter moved from {lease.LeaseCounter} to {liveness.Current.LeaseCounter} within {Output.Duration(liveness.Watched)}). "
                        + $"Stop it, hand the lease off with 'kinesisattrib release --shard {shardId}', or pass --force (its processor then loses the lease). Nothing written.");
                }

                lease = liveness.Current;
                ownerWas = $"expired: wrote nothing for {Output.Duration(liveness.Watched)}";
            }
        }

        var before = Side(lease);
        if (dryRun)
        {
            Print(output, json, new CheckpointChange(shardId, lease.LeaseKey, target.Text, resolution, before, null, ownerWas, force, DryRun: true), position);
            return ExitCodes.Success;
        }

        var taken = await TakeAsync(session, lease, force, cancellationToken).ConfigureAwait(false);
        var written = await session.WriteAsync(s => s.UpdateCheckpointAsync(taken, position, cancellationToken), $"write the checkpoint of lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false)
            ?? throw new ToolFailureException($"the checkpoint write of lease '{lease.LeaseKey}' was refused right after the tool took it (another writer took it meanwhile); the checkpoint is unchanged.");

        // Free, so a worker takes it at its next taker cycle and starts from the new checkpoint.
        var released = await session.WriteAsync(s => s.EvictLeaseAsync(written, cancellationToken), $"release lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false);
        var after = Side(released ?? written);
        Print(output, json, new CheckpointChange(shardId, lease.LeaseKey, target.Text, resolution, before, after, ownerWas, force, DryRun: false), position);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The take, conditional on the counter the tool read. A busy owner checkpoints many times a second, so with
    /// --force a refused take is tried again on a fresh read (the owner is being displaced anyway); without it, a
    /// refusal means the expired owner came back, and the command stops.
    /// </summary>
    private static async Task<Lease> TakeAsync(Session session, Lease lease, bool force, CancellationToken cancellationToken)
    {
        var current = lease;
        for (var attempt = 1; ; attempt++)
        {
            var seen = current;
            var taken = await session.WriteAsync(s => s.TakeLeaseAsync(seen, Session.ToolOwner, cancellationToken), $"take lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false);
            if (taken is not null)
            {
                return taken;
            }

            if (!force || attempt == 10)
            {
                throw new ToolFailureException($"lease '{lease.LeaseKey}' changed between the tool's read and its take (a worker renewed, checkpointed or took it); nothing written. Run the command again.");
            }

            current = await session.GetAsync(lease.LeaseKey, cancellationToken).ConfigureAwait(false)
                ?? throw new ToolFailureException($"lease '{lease.LeaseKey}' was deleted meanwhile (the shard was cleaned up); nothing written.");
        }
    }

    private static async Task<(ExtendedSequenceNumber Position, string? Resolution)> ResolveAsync(Session session, LeaseScan scan, string shardId, CheckpointTarget target, CancellationToken cancellationToken)
    {
        if (target.Timestamp is { } timestamp)
        {
            var stream = await session.RequireStreamAsync(scan, cancellationToken).ConfigureAwait(false);
            return await ResolveTimestampAsync(session, stream, shardId, timestamp, cancellationToken).ConfigureAwait(false);
        }

        var position = target.Position!.Value;
        if (!position.IsSentinel)
        {
            // The sequence number must be one of this shard's: Kinesis refuses an iterator at any other.
            var stream = await session.RequireStreamAsync(scan, cancellationToken).ConfigureAwait(false);
            try
            {
                await session.KinesisAsync(
                    k => k.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, IteratorType = ShardIteratorType.AtSequenceNumber, StartingSequenceNumber = position.SequenceNumber }, cancellationToken),
                    $"open shard '{shardId}' at sequence number {position.SequenceNumber}",
                    stream,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ToolFailureException ex) when (ex.InnerException is KinesisException { ErrorType: "InvalidArgumentException" })
            {
                throw new UsageException($"sequence number {position.SequenceNumber} is not a record of shard '{shardId}' of stream '{stream}' (Kinesis: {ex.InnerException.Message})");
            }
        }

        return (position, null);
    }

    /// <summary>
    /// The lease table has no per-lease timestamp (AT_TIMESTAMP there means "the application's configured initial
    /// timestamp"), so a timestamp is resolved now: the first record at or after it (GetShardIterator AT_TIMESTAMP,
    /// GetRecords Limit 1), written as that record's sequence number with sub-sequence −1, which the consumer reads as
    /// "before its first user record" and resumes AT it.
    /// </summary>
    private static async Task<(ExtendedSequenceNumber, string?)> ResolveTimestampAsync(Session session, string stream, string shardId, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        string? iterator;
        try
        {
            iterator = await session.KinesisAsync(
                k => k.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = timestamp }, cancellationToken),
                $"open shard '{shardId}' at {timestamp:O}",
                stream,
                cancellationToken).ConfigureAwait(false);
        }
        catch (ToolFailureException ex) when (ex.InnerException is KinesisException { ErrorType: "RequestTimeout" })
        {
            // kinesalite never answers an AT_TIMESTAMP request with no record after the timestamp.
            throw new ToolFailureException($"shard '{shardId}' has no record at or after {timestamp:O} (Kinesis did not answer); nothing written. Use --to latest to skip to the tip.", ex);
        }

        // A sparse shard may answer a few empty pages before the first record; stop at the tip.
        for (var page = 0; page < 20 && iterator is not null; page++)
        {
            var current = iterator;
            var response = await session.KinesisAsync(
                k => k.GetRecordsAsync(new GetRecordsRequest { ShardIterator = current, Limit = 1, StreamName = stream, ShardId = shardId }, cancellationToken),
                $"read shard '{shardId}' at {timestamp:O}",
                stream,
                cancellationToken).ConfigureAwait(false);
            if (response.Records.Count > 0)
            {
                var record = response.Records[0];
                var arrived = record.ApproximateArrivalTimestamp is { } at ? $", arrived {at:O}" : "";
                return (new ExtendedSequenceNumber(record.SequenceNumber, -1), $"first record at or after {timestamp:O}: {record.SequenceNumber}{arrived}");
            }

            if (response.MillisBehindLatest == 0)
            {
                break;
            }

            iterator = response.NextShardIterator;
        }

        throw new ToolFailureException($"shard '{shardId}' has no record at or after {timestamp:O}; nothing written. Use --to latest to skip to the tip.");
    }

    private static LeaseSide Side(Lease lease) => new(lease.Checkpoint.SequenceNumber, lease.Checkpoint.SubSequenceNumber, lease.PendingCheckpoint?.SequenceNumber, lease.LeaseOwner, lease.LeaseCounter);

    private static void Print(Output output, bool json, CheckpointChange change, ExtendedSequenceNumber position)
    {
        if (json)
        {
            output.Json(change, CliJsonContext.Output.CheckpointChange);
            return;
        }

        var before = change.Before;
        output.Line(change.DryRun
            ? $"dry run: shard {change.ShardId} would move; nothing written"
            : $"shard {change.ShardId}: checkpoint moved");
        output.Line($"  checkpoint  {Output.Position(before.Checkpoint, before.CheckpointSubSequenceNumber)} -> {Output.Position(position)}");
        if (change.Resolution is { } resolution)
        {
            output.Line($"              ({resolution}; the consumer resumes at that record)");
        }

        output.Line($"  pending     {before.PendingCheckpoint ?? "-"} -> -");
        output.Line($"  owner       {before.LeaseOwner ?? "-"} ({change.OwnerWas}) -> {(change.DryRun ? "taken by the tool, then released" : change.After?.LeaseOwner ?? "none: free, the next worker's taker cycle takes it")}");
        output.Line($"  counter     {before.LeaseCounter} -> {(change.After is { } after ? after.LeaseCounter.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{before.LeaseCounter + 3} (take, checkpoint, release)")}");
    }

    public static string NoLease(Session session, LeaseScan scan, string shardId)
    {
        var known = scan.Leases.Select(scan.ShardIdOf).Take(5).ToList();
        var list = known.Count == 0 ? "it has no leases" : $"its leases: {string.Join(", ", known)}{(scan.Leases.Count > known.Count ? ", ..." : "")}";
        return $"no lease for shard '{shardId}' in table '{session.TableName}' ({list})";
    }
}
