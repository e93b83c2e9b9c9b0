namespace KinesisAttrib.Handlers;

/// <summary>What happens to a record whose bytes cannot be turned into the handler's payload. It is never dropped silently.</summary>
public enum DeserializationFailurePolicy
{
    /// <summary>
    /// The shard stops at the record: the processor fails with a <see cref="Processing.RecordDeserializationException"/>
    /// naming stream, shard, sequence number and the cause; the records before it are checkpointed and the record is
    /// delivered again after the retry delay, until it decodes (e.g. after a fix is deployed). The default.
    /// </summary>
    StopShard = 0,

    /// <summary>The record is logged as a warning (stream, shard, sequence number, exception) and skipped.</summary>
    SkipAndLog = 1,

    /// <summary>
    /// The record is handed to the <see cref="IDeserializationFailureHandler"/> registered in DI (resolved from the
    /// batch's scope) and then skipped; if that handler throws, the shard stops as with <see cref="StopShard"/>.
    /// </summary>
    FailureHandler = 2,
}
