namespace KinesisAttrib.Handlers;

/// <summary>
/// Marks a method as the handler of a Kinesis stream. At compile time the KinesisAttrib generator turns it into a
/// shard record processor and adds it to the generated <c>AddKinesisHandlers()</c> registration.
/// </summary>
/// <example>
/// <code>
/// [KinesisHandler("orders", ApplicationName = "billing")]
/// public Task OnOrder(Order order, RecordContext record, CancellationToken ct) => ...;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class KinesisHandlerAttribute : Attribute
{
    /// <summary>Creates the attribute for a stream.</summary>
    /// <param name="streamName">The Kinesis stream name (1–128 characters of a-z, A-Z, 0-9, '_', '.', '-').</param>
    public KinesisHandlerAttribute(string streamName) => StreamName = streamName;

    /// <summary>The stream the handler consumes.</summary>
    public string StreamName { get; }

    /// <summary>
    /// The application (consumer) name. Applications are independent: each has its own lease table (named after it)
    /// and its own checkpoints. Defaults to <c>KinesisAttribOptions.ApplicationName</c>.
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>Where to start in shards that have no checkpoint yet. Default <see cref="InitialPosition.TrimHorizon"/>.</summary>
    public InitialPosition InitialPosition { get; set; } = InitialPosition.TrimHorizon;

    /// <summary>
    /// With <see cref="InitialPosition.AtTimestamp"/>: the time to start at, as ISO 8601 (e.g. <c>2025-01-31T00:00:00Z</c>;
    /// without an offset it is UTC). Attributes cannot hold a <see cref="DateTimeOffset"/>, so it is text, checked by the
    /// analyzers at compile time and by the runtime at start.
    /// </summary>
    public string? InitialTimestamp { get; set; }

    /// <summary>When progress is checkpointed. Default <see cref="CheckpointMode.AfterEachBatch"/>.</summary>
    public CheckpointMode CheckpointMode { get; set; } = CheckpointMode.AfterEachBatch;

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: checkpoint after this many handled records (0: no record limit).</summary>
    public int CheckpointEveryRecords { get; set; }

    /// <summary>With <see cref="CheckpointMode.Periodic"/>: checkpoint when this many seconds passed since the last one (0: no time limit).</summary>
    public int CheckpointIntervalSeconds { get; set; }

    /// <summary>Records per GetRecords call for this handler (1–10,000); unset: <c>KinesisAttribOptions.MaxRecords</c>.</summary>
    public int MaxRecords { get; set; }

    /// <summary>Milliseconds to wait after an empty read for this handler; unset: <c>KinesisAttribOptions.IdleTimeBetweenReads</c>.</summary>
    public int IdleTimeBetweenReadsMilliseconds { get; set; }

    /// <summary>How record bytes become the payload. Default <see cref="PayloadFormat.Auto"/> (decided by the payload type).</summary>
    public PayloadFormat PayloadFormat { get; set; } = PayloadFormat.Auto;

    /// <summary>
    /// A <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> type that knows the payload type; with it
    /// the generated deserializer uses source-generated metadata (no reflection, Native AOT safe). Without one (here
    /// or on <see cref="KinesisHandlerDefaultsAttribute"/>), JSON payloads use reflection-based System.Text.Json.
    /// </summary>
    public Type? JsonSerializerContext { get; set; }

    /// <summary>
    /// A type implementing <see cref="IRecordDeserializer{T}"/> for the payload type; it replaces the payload
    /// format. Resolved from DI when registered there, otherwise created with its constructor's services.
    /// </summary>
    public Type? Deserializer { get; set; }

    /// <summary>What happens to a record that fails to deserialize. Default <see cref="DeserializationFailurePolicy.StopShard"/>.</summary>
    public DeserializationFailurePolicy DeserializationFailurePolicy { get; set; } = DeserializationFailurePolicy.StopShard;

    /// <summary>
    /// How often a failing record (or, for a batch handler, batch) is retried in place, with exponential backoff,
    /// before it goes to the on-failure destination (<see cref="IFailedRecordDestination"/>). Default -1: no limit; the
    /// record is retried until it succeeds and blocks only its own shard; nothing is ever skipped. Setting a limit
    /// requires a destination (checked at start). Deserialization failures under
    /// <see cref="DeserializationFailurePolicy.StopShard"/> count as failures of the record.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = -1;

    /// <summary>
    /// Batch handlers: when the handler throws on a batch, split it in halves and retry each (recursively), so only the
    /// poison record is retried and, after <see cref="MaxRetryAttempts"/>, sent to the destination. Default false.
    /// </summary>
    public bool BisectBatchOnError { get; set; }

    /// <summary>
    /// Records older than this many seconds when read go to the on-failure destination without being handled (Lambda's
    /// MaximumRecordAgeInSeconds). Default 0: no limit. Requires a destination (checked at start).
    /// </summary>
    public int MaxRecordAgeSeconds { get; set; }

    /// <summary>The wait before the first in-place retry, in milliseconds; it doubles per retry up to <see cref="MaxRetryDelayMilliseconds"/>. Default 1000.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>The longest wait between in-place retries, in milliseconds. Default 30000.</summary>
    public int MaxRetryDelayMilliseconds { get; set; } = 30_000;

    /// <summary>
    /// The DI key of the keyed <see cref="IFailedRecordDestination"/> this handler sends failed records to; unset: the
    /// one registered without a key.
    /// </summary>
    public string? FailureDestination { get; set; }
}
