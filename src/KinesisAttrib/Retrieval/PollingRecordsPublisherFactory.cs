using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>Publishes every shard by polling GetRecords (<see cref="PollingRecordFetcher"/>).</summary>
/// <param name="kinesis">The Kinesis client.</param>
/// <param name="maxRecords">The GetRecords limit.</param>
/// <param name="timeProvider">The clock that paces calls.</param>
/// <param name="initialTimestamp">Where <c>AT_TIMESTAMP</c> starts.</param>
/// <param name="logger">Where invalid and dropped KPL aggregates are reported.</param>
internal sealed class PollingRecordsPublisherFactory(
    IKinesisClient kinesis, int maxRecords, TimeProvider timeProvider, DateTimeOffset? initialTimestamp = null, ILogger? logger = null)
    : IRecordsPublisherFactory
{
    /// <inheritdoc />
    public IRecordsPublisher Create(ShardContext shard, ExtendedSequenceNumber start, HashKeyRange? hashKeyRange) =>
        new PollingRecordFetcher(kinesis, shard.StreamName, shard.ShardId, maxRecords, start, timeProvider, initialTimestamp, hashKeyRange, logger);
}
