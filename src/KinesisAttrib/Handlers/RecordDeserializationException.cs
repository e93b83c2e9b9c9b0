namespace KinesisAttrib.Handlers;

/// <summary>A record's data could not be turned into the handler's payload type. The record is not skipped.</summary>
public sealed class RecordDeserializationException : Exception
{
    /// <summary>Creates the exception naming where the record is.</summary>
    public RecordDeserializationException(string streamName, string shardId, ExtendedSequenceNumber position, Type payloadType, Exception innerException)
        : base($"Record {position} in stream '{streamName}', shard '{shardId}' could not be deserialized as {payloadType.FullName}: {innerException?.Message}", innerException)
    {
        StreamName = streamName;
        ShardId = shardId;
        Position = position;
        PayloadType = payloadType;
    }

    /// <summary>The stream.</summary>
    public string StreamName { get; }

    /// <summary>The shard.</summary>
    public string ShardId { get; }

    /// <summary>The record's position.</summary>
    public ExtendedSequenceNumber Position { get; }

    /// <summary>The type the handler expected.</summary>
    public Type PayloadType { get; }
}
