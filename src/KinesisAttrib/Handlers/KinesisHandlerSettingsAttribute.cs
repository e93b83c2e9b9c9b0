namespace KinesisAttrib.Handlers;

/// <summary>
/// The settings a handler shares with the assembly's defaults: declared once here, so
/// <see cref="KinesisHandlerAttribute"/> and <see cref="KinesisHandlerDefaultsAttribute"/> cannot drift apart. A property
/// set on a handler's attribute wins over the same property set on the assembly's defaults.
/// </summary>
public abstract class KinesisHandlerSettingsAttribute : Attribute
{
    /// <summary>For the two attributes only.</summary>
    private protected KinesisHandlerSettingsAttribute()
    {
    }

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

    /// <summary>
    /// How this handler's application reads its shards: polling (read ahead) or enhanced fan-out; unset:
    /// <c>KinesisAttribOptions.RetrievalMode</c>. Configuration (<c>KinesisAttrib:Applications:{name}:RetrievalMode</c>)
    /// wins over it.
    /// </summary>
    public RetrievalMode RetrievalMode { get; set; }

    /// <summary>
    /// A <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> type that knows the payload type; with it
    /// the generated deserializer uses source-generated metadata (no reflection, Native AOT safe). Without one (here
    /// or on <see cref="KinesisHandlerDefaultsAttribute"/>), JSON payloads use reflection-based System.Text.Json.
    /// </summary>
    public Type? JsonSerializerContext { get; set; }

    /// <summary>
    /// JSON payloads: whether property names must match the payload type's exactly (strict). Default false: they match
    /// ignoring case, as ASP.NET Core reads JSON, with or without <see cref="JsonSerializerContext"/> and whatever the
    /// context's <c>PropertyNameCaseInsensitive</c> says; the context's other options (naming policy, converters) apply
    /// either way. A record that is a JSON object none of whose properties matches is a deserialization failure.
    /// </summary>
    public bool JsonPropertyNamesCaseSensitive { get; set; }

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
