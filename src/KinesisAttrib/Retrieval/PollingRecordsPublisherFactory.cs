using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Publishes every shard by polling GetRecords (<see cref="PollingRecordFetcher"/>), read ahead of the handler
/// (<see cref="ReadAheadRecordsPublisher"/>) unless the settings turn read-ahead off.
/// </summary>
/// <param name="kinesis">The Kinesis client.</param>
/// <param name="settings">The GetRecords limit, the idle time and the read-ahead limits.</param>
/// <param name="timeProvider">The clock that paces calls.</param>
/// <param name="initialTimestamp">Where <c>AT_TIMESTAMP</c> starts.</param>
/// <param name="logger">Where invalid and dropped KPL aggregates are reported.</param>
/// <param name="budget">The worker's read-ahead budget, shared by all its shards; null for one of this factory's own.</param>
internal sealed class PollingRecordsPublisherFactory(
    IKinesisClient kinesis, RetrievalSettings settings, TimeProvider timeProvider, DateTimeOffset? initialTimestamp = null, ILogger? logger = null, ReadAheadBudget? budget = null)
    : IRecordsPublisherFactory
{
    private readonly ReadAheadBudget _budget = budget ?? new ReadAheadBudget(ReadAheadBudgetDefaultBytes);

    /// <summary>The default cap of a worker's read-ahead buffers together (256 MiB).</summary>
    internal const long ReadAheadBudgetDefaultBytes = 256L * 1024 * 1024;

    /// <inheritdoc />
    public IRecordsPublisher Create(ShardContext shard, ExtendedSequenceNumber start, HashKeyRange? hashKeyRange)
    {
        var fetcher = new PollingRecordFetcher(kinesis, shard.StreamName, shard.ShardId, settings.MaxRecords, start, timeProvider, initialTimestamp, hashKeyRange, logger)
        {
            IdleTimeBetweenReads = settings.IdleTimeBetweenReads,
        };
        return settings.ReadAhead.Enabled ? new ReadAheadRecordsPublisher(fetcher, settings.ReadAhead, _budget) : fetcher;
    }
}
