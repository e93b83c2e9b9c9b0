using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>Publishes every shard by enhanced fan-out (<see cref="FanOutRecordsPublisher"/>) as one registered consumer.</summary>
/// <param name="kinesis">The Kinesis client (its HTTP/2 connections are shared by all shards).</param>
/// <param name="consumerArn">The registered consumer's ARN (see <see cref="FanOutConsumerRegistration"/>).</param>
/// <param name="settings">The silence timeout and the GetRecords limit.</param>
/// <param name="time">The clock.</param>
/// <param name="initialTimestamp">Where <c>AT_TIMESTAMP</c> starts.</param>
/// <param name="logger">Where refused subscriptions and KPL problems are reported.</param>
internal sealed class FanOutRecordsPublisherFactory(IKinesisClient kinesis, string consumerArn, RetrievalSettings settings, TimeProvider time, DateTimeOffset? initialTimestamp = null, ILogger? logger = null)
    : IRecordsPublisherFactory
{
    private readonly Dictionary<string, ClosedShardProbe> _closedShards = new(StringComparer.Ordinal);

    /// <summary>The registered consumer's ARN.</summary>
    public string ConsumerArn => consumerArn;

    /// <inheritdoc />
    public IRecordsPublisher Create(ShardContext shard, ExtendedSequenceNumber start, HashKeyRange? hashKeyRange)
    {
        ClosedShardProbe probe;
        lock (_closedShards)
        {
            if (!_closedShards.TryGetValue(shard.StreamName, out probe!))
            {
                probe = new ClosedShardProbe(kinesis, shard.StreamName, time);
                _closedShards[shard.StreamName] = probe;
            }
        }

        return new FanOutRecordsPublisher(kinesis, consumerArn, shard.StreamName, shard.ShardId, start, settings, time, initialTimestamp, hashKeyRange, logger, probe);
    }
}
