using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Cli.Model;

/// <summary>How far a checkpoint is behind the tip of its shard.</summary>
/// <param name="MillisBehindLatest">GetRecords' <c>MillisBehindLatest</c> at the checkpoint (null when not read).</param>
/// <param name="NextSequenceNumber">The first record after the checkpoint, or null when none waits.</param>
/// <param name="NextRecordArrival">When that record arrived: its age is how long it has waited.</param>
/// <param name="Note">Why there is no number (LATEST, SHARD_END, a shard the stream no longer lists).</param>
internal sealed record LagInfo(long? MillisBehindLatest, string? NextSequenceNumber, DateTimeOffset? NextRecordArrival, string? Note)
{
    /// <summary>True when a record waits after the checkpoint.</summary>
    public bool HasBacklog => NextSequenceNumber is not null || MillisBehindLatest > 0;
}

/// <summary>
/// One GetShardIterator and one GetRecords (Limit 1) at a checkpoint. <c>MillisBehindLatest</c> is the service's lag;
/// the next record's arrival time is read too, because emulators report a lag of 0 on open shards, and because an age
/// that keeps growing is what a stuck shard looks like.
/// </summary>
internal static class LagProbe
{
    public static async Task<LagInfo> ProbeAsync(Session session, string stream, string shardId, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
    {
        GetShardIteratorRequest request;
        switch (checkpoint.SequenceNumber)
        {
            case "SHARD_END":
                return new LagInfo(null, null, null, "finished");
            case "LATEST":
                return new LagInfo(null, null, null, "at LATEST: nothing read yet");
            case "AT_TIMESTAMP":
                return new LagInfo(null, null, null, "at the application's initial timestamp: nothing read yet");
            case "TRIM_HORIZON":
                request = new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, IteratorType = ShardIteratorType.TrimHorizon };
                break;
            default:
                // Sub-sequence −1 is "before this record" (what `checkpoint set --to at-timestamp:` writes).
                request = new GetShardIteratorRequest
                {
                    StreamName = stream,
                    ShardId = shardId,
                    IteratorType = checkpoint.SubSequenceNumber < 0 ? ShardIteratorType.AtSequenceNumber : ShardIteratorType.AfterSequenceNumber,
                    StartingSequenceNumber = checkpoint.SequenceNumber,
                };
                break;
        }

        try
        {
            var iterator = await session.KinesisAsync(k => k.GetShardIteratorAsync(request, cancellationToken), $"open shard '{shardId}' at {checkpoint}", stream, cancellationToken).ConfigureAwait(false);
            var records = await session.KinesisAsync(k => k.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1, StreamName = stream, ShardId = shardId }, cancellationToken), $"read shard '{shardId}'", stream, cancellationToken).ConfigureAwait(false);
            var next = records.Records.Count > 0 ? records.Records[0] : null;
            return new LagInfo(records.MillisBehindLatest, next?.SequenceNumber, next?.ApproximateArrivalTimestamp, null);
        }
        catch (UsageException)
        {
            // GetShardIterator says ResourceNotFound for a shard the stream no longer lists (expired past retention).
            return new LagInfo(null, null, null, "the stream does not list this shard");
        }
        catch (ToolFailureException ex) when (ex.InnerException is KinesisException { ErrorType: "InvalidArgumentException" })
        {
            return new LagInfo(null, null, null, "the checkpoint is not a sequence number of this shard");
        }
    }
}
