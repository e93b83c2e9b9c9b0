using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Commands;

/// <summary>
/// <c>kinesisattrib release</c>: frees leases. A live owner is asked for a graceful hand-off through the runtime's own
/// mechanism (<c>handoffRequestedBy</c>, <see cref="ILeaseStore.RequestHandoffAsync"/>): it finishes its batch,
/// checkpoints and releases. An expired lease (its owner wrote nothing for the failover time) is freed at once.
/// </summary>
internal static class ReleaseCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var shard = new Option<string?>("--shard") { Description = "Release the lease of this shard." };
        var worker = new Option<string?>("--worker") { Description = "Release every lease this worker holds." };
        var wait = GlobalOptions.Duration("--wait", TimeSpan.FromSeconds(30), "How long to wait for a live owner to hand a lease off (default 30s).");
        var json = GlobalOptions.Json();
        var failover = GlobalOptions.FailoverTime();
        var command = new Command("release", "Ask the owner of a lease (or of every lease of a worker) to hand it off gracefully, or free an expired lease.")
        {
            shard, worker, wait, json, failover,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(shard) is null) == (result.GetValue(worker) is null))
            {
                result.AddError("release needs exactly one of --shard and --worker.");
            }
        });
        command.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, async (session, output, token) =>
        {
            var scan = await session.ScanAsync(token).ConfigureAwait(false);
            List<Lease> leases;
            if (parse.GetValue(shard) is { } shardId)
            {
                leases = [scan.Find(shardId) ?? throw new UsageException(CheckpointCommand.NoLease(session, scan, shardId))];
            }
            else
            {
                var name = parse.GetValue(worker)!;
                leases = [.. scan.Leases.Where(l => l.LeaseOwner == name && !l.Checkpoint.IsShardEnd)];
                if (leases.Count == 0)
                {
                    var owners = scan.Leases.Select(l => l.LeaseOwner).OfType<string>().Distinct(StringComparer.Ordinal).Take(5).ToList();
                    throw new UsageException($"worker '{name}' holds no lease in table '{session.TableName}' (owners: {(owners.Count == 0 ? "none" : string.Join(", ", owners))})");
                }
            }

            var failoverTime = parse.GetValue(failover);
            var waitFor = parse.GetValue(wait);
            var results = await Task.WhenAll(leases.Select(l => ReleaseAsync(session, scan, l, failoverTime, waitFor, token))).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                output.Json(new ReleaseReport(results), CliJsonContext.Output.ReleaseReport);
            }
            else
            {
                foreach (var result in results)
                {
                    output.Line($"{result.ShardId}: {result.Action}: {result.Outcome}");
                }
            }

            return results.All(r => r.Succeeded) ? ExitCodes.Success : ExitCodes.Failure;
        }, ct));
        return command;
    }

    private static async Task<ReleaseResult> ReleaseAsync(Session session, LeaseScan scan, Lease lease, TimeSpan failoverTime, TimeSpan wait, CancellationToken cancellationToken)
    {
        var shardId = scan.ShardIdOf(lease);
        if (lease.Checkpoint.IsShardEnd)
        {
            return new ReleaseResult(shardId, lease.LeaseOwner, "none", "finished (SHARD_END): nobody processes it", true);
        }

        if (lease.LeaseOwner is not { } owner)
        {
            if (lease.HandoffRequestedBy is { } requester)
            {
                // Released for a requester that has not taken it (the workers leave it to that one for the failover time).
                var cleared = await FreeAsync(session, lease, cancellationToken).ConfigureAwait(false);
                return new ReleaseResult(shardId, null, "freed", cleared ? $"was free but reserved for '{requester}'; the reservation is cleared, any worker may take it" : "a worker took it meanwhile", true);
            }

            return new ReleaseResult(shardId, null, "none", "already free", true);
        }

        var liveness = await Liveness.ObserveAsync(session, lease, failoverTime, cancellationToken).ConfigureAwait(false);
        if (!liveness.Live)
        {
            var freed = await FreeAsync(session, liveness.Current, cancellationToken).ConfigureAwait(false);
            return freed
                ? new ReleaseResult(shardId, owner, "freed", $"'{owner}' wrote nothing for {Output.Duration(liveness.Watched)} (expired); the lease is free for the next worker, from checkpoint {Output.Position(liveness.Current.Checkpoint)}", true)
                : new ReleaseResult(shardId, owner, "freed", "a worker took or renewed the lease meanwhile; nothing to do", true);
        }

        // A live owner: ask, as a worker asks for a lease, and wait for its release.
        var current = liveness.Current;
        if (current.LeaseOwner is null)
        {
            return new ReleaseResult(shardId, owner, "none", "released by its owner meanwhile", true);
        }

        Lease? asked = null;
        for (var attempt = 0; attempt < 5 && asked is null && current.LeaseOwner is not null; attempt++)
        {
            var seen = current;
            asked = await session.WriteAsync(s => s.RequestHandoffAsync(seen, Session.ToolOwner, cancellationToken), $"request the hand-off of lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false);
            if (asked is null)
            {
                // The owner wrote between our read and the request: ask again on the fresh row.
                current = await session.GetAsync(lease.LeaseKey, cancellationToken).ConfigureAwait(false) ?? current;
            }
        }

        if (asked is null)
        {
            return current.LeaseOwner is null
                ? new ReleaseResult(shardId, owner, "none", "released by its owner meanwhile", true)
                : new ReleaseResult(shardId, owner, "hand-off", $"could not record the request: '{current.LeaseOwner}' kept writing the lease; try again", false);
        }

        var started = session.Time.GetTimestamp();
        while (session.Time.GetElapsedTime(started) < wait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), session.Time, cancellationToken).ConfigureAwait(false);
            var now = await session.GetAsync(lease.LeaseKey, cancellationToken).ConfigureAwait(false);
            if (now is null || now.LeaseOwner is null)
            {
                // Released for the tool, which wants none: clear the reservation so any worker may take it at once.
                if (now is not null)
                {
                    await FreeAsync(session, now, cancellationToken).ConfigureAwait(false);
                }

                return new ReleaseResult(shardId, owner, "hand-off", $"'{owner}' checkpointed ({(now is null ? "lease deleted" : Output.Position(now.Checkpoint))}) and released it after {Output.Duration(session.Time.GetElapsedTime(started))}; the next worker takes it", true);
            }

            if (now.LeaseOwner != owner)
            {
                return new ReleaseResult(shardId, owner, "hand-off", $"now held by '{now.LeaseOwner}'", true);
            }
        }

        return new ReleaseResult(
            shardId,
            owner,
            "hand-off",
            $"'{owner}' did not hand it off within {Output.Duration(wait)} (a batch still running?); the request stays on the lease: the owner hands it off when the batch ends, and the released lease is free for any worker after the failover time",
            false);
    }

    /// <summary>Takes the lease through the runtime's conditional take (clearing any hand-off request), then releases it: free for any worker.</summary>
    private static async Task<bool> FreeAsync(Session session, Lease lease, CancellationToken cancellationToken)
    {
        var taken = await session.WriteAsync(s => s.TakeLeaseAsync(lease, Session.ToolOwner, cancellationToken), $"take lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false);
        if (taken is null)
        {
            return false;
        }

        return await session.WriteAsync(s => s.EvictLeaseAsync(taken, cancellationToken), $"release lease '{lease.LeaseKey}'", cancellationToken).ConfigureAwait(false) is not null;
    }
}
