namespace KinesisAttrib.Handlers;

/// <summary>What happens to a record whose bytes cannot be turned into the handler's payload. It is never dropped silently.</summary>
public enum DeserializationFailurePolicy
{
    /// <summary>
    /// The record is a failed record like one the handler throws on, and the handler's failure policy decides. With the
    /// default policy (no retry limit) the shard stops at the record: the processor fails with a
    /// <see cref="RecordDeserializationException"/> naming stream, shard, sequence number and the cause; the
    /// records before it are checkpointed and the record is delivered again after the retry delay, until it decodes
    /// (e.g. after a fix is deployed). With <c>MaxRetryAttempts</c> set it is retried and then sent to the on-failure
    /// destination (<see cref="FailureReason.DeserializationFailed"/>). The default.
    /// </summary>
    StopShard = 0,

    /// <summary>The record is logged as a warning (stream, shard, sequence number, exception) and skipped.</summary>
    SkipAndLog = 1,

    /// <summary>
    /// The record is handed to the <see cref="IDeserializationFailureHandler"/> registered in DI (resolved from the
    /// batch's scope) and then skipped; if that handler throws, the record fails as with <see cref="StopShard"/>.
    /// </summary>
    FailureHandler = 2,
}
