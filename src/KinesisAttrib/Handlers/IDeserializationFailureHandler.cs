namespace KinesisAttrib.Handlers;

/// <summary>
/// Receives records that could not be deserialized by handlers with
/// <see cref="DeserializationFailurePolicy.FailureHandler"/>, e.g. to write them to a dead-letter store. Register one
/// in DI. When it returns, the record counts as handled; when it throws, that is a failure of the record and the
/// handler's failure policy decides (by default the shard stops at the record and retries it).
/// </summary>
public interface IDeserializationFailureHandler
{
    /// <summary>Takes care of one record that failed to deserialize.</summary>
    ValueTask HandleAsync(DeserializationFailure failure, CancellationToken cancellationToken);
}

/// <summary>A record that failed to deserialize, with where it is and why.</summary>
/// <param name="HandlerName">The handler that could not take it, e.g. <c>Sample.OrderHandlers.OnOrder</c>.</param>
/// <param name="Context">The record and where it came from.</param>
/// <param name="Exception">The failure, naming stream, shard and sequence number.</param>
public sealed record DeserializationFailure(string HandlerName, RecordContext Context, RecordDeserializationException Exception);
