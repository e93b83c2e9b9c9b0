using System.Text;
using System.Text.Json;

namespace KinesisAttrib.Kinesis;

/// <summary>One event of a SubscribeToShard subscription: a batch of records and where to continue after it.</summary>
public sealed class SubscribeToShardEvent
{
    /// <summary>The records, in sequence order (possibly none: Kinesis also sends empty events).</summary>
    public required IReadOnlyList<KinesisRecord> Records { get; init; }

    /// <summary>
    /// Where a new subscription continues (<c>AFTER_SEQUENCE_NUMBER</c>) to miss nothing and repeat nothing; null in
    /// the last event of a closed shard (its end).
    /// </summary>
    public string? ContinuationSequenceNumber { get; init; }

    /// <summary>How far behind the tip of the shard the event is.</summary>
    public long? MillisBehindLatest { get; init; }

    /// <summary>The children, in the last event of a closed shard (null otherwise, and always on some emulators).</summary>
    public IReadOnlyList<ChildShard>? ChildShards { get; init; }

    /// <summary>
    /// Decodes one frame of a subscription: its event, or null for the optional <c>initial-response</c>. An exception or
    /// error frame throws the typed error it carries (as a GetRecords error response would); an unknown event or
    /// message type is a malformed stream, not something to skip.
    /// </summary>
    internal static SubscribeToShardEvent? Decode(EventStreamMessage message, string? streamName)
    {
        switch (message.MessageType)
        {
            case "event" when message.EventType == "SubscribeToShardEvent":
                SubscribeToShardEventWire? wire;
                try
                {
                    wire = JsonSerializer.Deserialize(message.Payload.Span, KinesisJsonContext.Default.SubscribeToShardEventWire);
                }
                catch (JsonException ex)
                {
                    throw Malformed($"a SubscribeToShardEvent is not valid JSON ({ex.Message})", ex);
                }

                return KinesisWireMapper.FromWire(wire ?? throw Malformed("a SubscribeToShardEvent is JSON null", null));
            case "event" when message.EventType == "initial-response":
                return null;
            case "exception":
                throw KinesisErrorDecoder.ToException("SubscribeToShard", streamName, System.Net.HttpStatusCode.OK, null, message.ExceptionType ?? "UnknownError", message.Payload.Span);
            case "error":
                throw new KinesisException(message.ErrorCode ?? "UnknownError", $"Kinesis SubscribeToShard{KinesisWireMapper.OnStream(streamName)} failed with {message.ErrorCode}: {message.ErrorMessage}") { Operation = "SubscribeToShard", StreamName = streamName };
            default:
                throw Malformed($"unknown frame (message type '{message.MessageType}', event type '{message.EventType}'); payload starts '{Encoding.UTF8.GetString(message.Payload.Span[..Math.Min(64, message.Payload.Length)])}'", null);
        }
    }

    private static KinesisException Malformed(string problem, Exception? inner) =>
        new(EventStreamReader.MalformedEventStream, $"Malformed event stream from SubscribeToShard: {problem}.", innerException: inner) { Operation = "SubscribeToShard" };
}
