using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// Every setting of one handler, in one place: what it consumes (stream, application, start position, read size and
/// pace) and how its processor runs it (checkpoint mode, failure policy). The generator emits one per
/// <see cref="KinesisHandlerAttribute"/>; at start the host applies the application's overrides, validates the result
/// once and hands these effective settings to the processor's constructor.
/// </summary>
public sealed record HandlerSettings
{
    /// <summary>The handler's name for logs and errors, e.g. <c>Sample.OrderHandlers.OnOrder</c>.</summary>
    public string HandlerName { get; init; } = "handler";

    /// <summary>The stream, as written on the attribute (the host maps it through <c>KinesisAttribOptions.StreamNames</c>).</summary>
    public string StreamName { get; init; } = "";

    /// <summary>The application name, or null for <c>KinesisAttribOptions.ApplicationName</c>.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>Where to start in shards without a checkpoint.</summary>
    public InitialPosition InitialPosition { get; init; } = InitialPosition.TrimHorizon;

    /// <summary>The time to start at when <see cref="InitialPosition"/> is <see cref="InitialPosition.AtTimestamp"/>.</summary>
    public DateTimeOffset? InitialTimestamp { get; init; }

    /// <summary>Records per GetRecords call for this handler; null for <c>KinesisAttribOptions.MaxRecords</c>.</summary>
    public int? MaxRecords { get; init; }

    /// <summary>Wait after an empty read for this handler; null for <c>KinesisAttribOptions.IdleTimeBetweenReads</c>.</summary>
    public TimeSpan? IdleTimeBetweenReads { get; init; }

    /// <summary>How this handler's application reads its shards; null for <c>KinesisAttribOptions.RetrievalMode</c>.</summary>
    public RetrievalMode? RetrievalMode { get; init; }

    /// <summary>When progress is checkpointed.</summary>
    public CheckpointMode CheckpointMode { get; init; } = CheckpointMode.AfterEachBatch;

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: after this many handled records (0: no record limit).</summary>
    public int CheckpointEveryRecords { get; init; }

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: when this long passed since the last checkpoint (zero: no time limit).</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>JSON payloads: whether property names must match exactly; false (the default) matches them ignoring case.</summary>
    public bool JsonPropertyNamesCaseSensitive { get; init; }

    /// <summary>What happens to a record that fails to deserialize.</summary>
    public DeserializationFailurePolicy DeserializationFailurePolicy { get; init; } = DeserializationFailurePolicy.StopShard;

    /// <summary>
    /// How often a failing record (or batch) is retried in place before it goes to the on-failure destination; -1
    /// (the default) means without limit: the record is retried until it succeeds, blocking only its own shard, and
    /// nothing ever needs a destination. 0 sends it to the destination after the first failure.
    /// </summary>
    public int MaxRetryAttempts { get; init; } = -1;

    /// <summary>
    /// Batch handlers: when the handler throws on a batch of more than one record, split it in halves and handle each
    /// separately (recursively), so the records that are fine are handled and only the poison record is retried and,
    /// after <see cref="MaxRetryAttempts"/>, sent to the destination.
    /// </summary>
    public bool BisectBatchOnError { get; init; }

    /// <summary>
    /// Records older than this when read (their ApproximateArrivalTimestamp against the <see cref="TimeProvider"/>) go
    /// to the on-failure destination without being handled. Zero (the default): no limit.
    /// </summary>
    public TimeSpan MaxRecordAge { get; init; }

    /// <summary>The wait before the first in-place retry; it doubles with each further retry up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between in-place retries (and between attempts to write to the destination).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The DI key of the <see cref="Handlers.IFailedRecordDestination"/> this handler uses, or null for the one
    /// registered without a key.
    /// </summary>
    public string? FailureDestination { get; init; }

    /// <summary>
    /// Whether failures are retried inside the processor (a retry limit or bisection is set). Otherwise a failure
    /// propagates and the shard consumer delivers the batch again from the last checkpoint after
    /// <c>ProcessingRetryDelay</c>, without limit.
    /// </summary>
    public bool RetriesInPlace => MaxRetryAttempts >= 0 || BisectBatchOnError;

    /// <summary>Whether the policy can give up on a record (a retry limit or a maximum age), which then needs a destination.</summary>
    public bool NeedsDestination => MaxRetryAttempts >= 0 || MaxRecordAge > TimeSpan.Zero;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public void Validate()
    {
        if (CheckpointEveryRecords < 0 || CheckpointInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"Handler {HandlerName}: CheckpointEveryRecords and CheckpointInterval must not be negative.");
        }

        if (CheckpointMode == CheckpointMode.Periodic && CheckpointEveryRecords == 0 && CheckpointInterval == TimeSpan.Zero)
        {
            throw new ArgumentException($"Handler {HandlerName}: CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero.");
        }

        if (MaxRetryAttempts < -1)
        {
            throw new ArgumentException($"Handler {HandlerName}: MaxRetryAttempts is {MaxRetryAttempts}; it must be -1 (no limit) or more.");
        }

        if (MaxRecordAge < TimeSpan.Zero || RetryDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"Handler {HandlerName}: MaxRecordAge, RetryDelay and MaxRetryDelay must not be negative.");
        }

        if (!Enum.IsDefined(CheckpointMode) || !Enum.IsDefined(DeserializationFailurePolicy))
        {
            throw new ArgumentException($"Handler {HandlerName}: unknown CheckpointMode {CheckpointMode} or DeserializationFailurePolicy {DeserializationFailurePolicy}.");
        }
    }
}
