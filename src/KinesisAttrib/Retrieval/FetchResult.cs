using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Retrieval;

/// <summary>One batch a records publisher delivers.</summary>
/// <param name="Records">The user records, in shard order (KPL aggregates already split).</param>
/// <param name="MillisBehindLatest">How far behind the tip of the shard, when the service said.</param>
/// <param name="IsShardEnd">The shard is closed and every record has been delivered.</param>
/// <param name="ChildShards">The children reported at shard end, when the service reports them.</param>
internal sealed record FetchResult(IReadOnlyList<KinesisClientRecord> Records, long? MillisBehindLatest, bool IsShardEnd, IReadOnlyList<ChildShard>? ChildShards);
