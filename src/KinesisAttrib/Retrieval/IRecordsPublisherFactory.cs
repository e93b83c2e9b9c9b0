using KinesisAttrib.Handlers;

namespace KinesisAttrib.Retrieval;

/// <summary>Opens the records publisher of each shard a worker consumes; the retrieval mode is chosen here, once.</summary>
internal interface IRecordsPublisherFactory
{
    /// <summary>A publisher of <paramref name="shard"/> that starts just after <paramref name="start"/>.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="start">The checkpoint (or start sentinel) to read after.</param>
    /// <param name="hashKeyRange">The shard's hash keys; KPL user records outside them are dropped. Null keeps all.</param>
    IRecordsPublisher Create(ShardContext shard, ExtendedSequenceNumber start, HashKeyRange? hashKeyRange);
}
