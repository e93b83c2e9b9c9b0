
namespace KinesisAttrib.Handlers;

/// <summary>The batch a handler call belongs to: its shard, its raw records and how far behind the shard's tip it is.</summary>
public sealed class BatchContext
{
    private readonly ShardContext _shard;

    /// <summary>Creates the context of one batch.</summary>
    public BatchContext(ShardContext shard, IReadOnlyList<KinesisClientRecord> records, long? millisBehindLatest)
    {
        _shard = shard ?? throw new ArgumentNullException(nameof(shard));
        Records = records ?? throw new ArgumentNullException(nameof(records));
        MillisBehindLatest = millisBehindLatest;
    }

    /// <summary>The stream.</summary>
    public string StreamName => _shard.StreamName;

    /// <summary>The application (consumer) name.</summary>
    public string ApplicationName => _shard.ApplicationName;

    /// <summary>The shard.</summary>
    public string ShardId => _shard.ShardId;

    /// <summary>This worker's id.</summary>
    public string WorkerId => _shard.WorkerId;

    /// <summary>Every record delivered in the batch, in shard order (including any that failed to deserialize).</summary>
    public IReadOnlyList<KinesisClientRecord> Records { get; }

    /// <summary>How far behind the tip of the shard the batch is, if known.</summary>
    public long? MillisBehindLatest { get; }

    /// <summary>
    /// The checkpoint a previous owner of the shard prepared but did not commit (two-phase checkpoint), as found when
    /// this worker started the shard; null when there was none. Delivery resumed after the last committed checkpoint.
    /// </summary>
    public ExtendedSequenceNumber? PendingCheckpoint { get; init; }

    /// <summary>The application state stored with <see cref="PendingCheckpoint"/>, or null.</summary>
    public byte[]? PendingCheckpointState { get; init; }
}
