namespace KinesisAttrib.Kinesis;

/// <summary>
/// One message of an <c>application/vnd.amazon.eventstream</c> response (SubscribeToShard): its headers and payload.
/// The payload is a slice of the reader's buffer, valid until the next read.
/// </summary>
internal readonly record struct EventStreamMessage(IReadOnlyDictionary<string, object> Headers, ReadOnlyMemory<byte> Payload)
{
    /// <summary><c>:message-type</c>: <c>event</c>, <c>exception</c> or <c>error</c>.</summary>
    public string? MessageType => Header(":message-type");

    /// <summary><c>:event-type</c> of an event, e.g. <c>SubscribeToShardEvent</c> or <c>initial-response</c>.</summary>
    public string? EventType => Header(":event-type");

    /// <summary><c>:exception-type</c> of a modelled exception, e.g. <c>ResourceInUseException</c>.</summary>
    public string? ExceptionType => Header(":exception-type");

    /// <summary><c>:error-code</c> of an unmodelled error.</summary>
    public string? ErrorCode => Header(":error-code");

    /// <summary><c>:error-message</c> of an unmodelled error.</summary>
    public string? ErrorMessage => Header(":error-message");

    private string? Header(string name) => Headers.TryGetValue(name, out var value) ? value as string : null;
}
