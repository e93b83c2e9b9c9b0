using System.Collections.Immutable;

namespace KinesisAttrib.Shared;

/// <summary>
/// What compile-time code knows of the runtime's handler attributes: their property names and types, the values and
/// names of their enums, their defaults, and the checkpointer members the checkpoint rules look for. Declared here only, and pinned against KinesisAttrib.dll by
/// RuntimeContractTests, so a renamed property or a changed default fails a test instead of drifting.
/// </summary>
internal static class RuntimeContract
{
    // Named arguments of [KinesisHandler] and (all but PayloadFormat and Deserializer) [assembly: KinesisHandlerDefaults].
    public const string ApplicationNameProperty = "ApplicationName";
    public const string InitialPositionProperty = "InitialPosition";
    public const string InitialTimestampProperty = "InitialTimestamp";
    public const string CheckpointModeProperty = "CheckpointMode";
    public const string CheckpointEveryRecordsProperty = "CheckpointEveryRecords";
    public const string CheckpointIntervalSecondsProperty = "CheckpointIntervalSeconds";
    public const string MaxRecordsProperty = "MaxRecords";
    public const string IdleTimeBetweenReadsMillisecondsProperty = "IdleTimeBetweenReadsMilliseconds";
    public const string RetrievalModeProperty = "RetrievalMode";
    public const string PayloadFormatProperty = "PayloadFormat";
    public const string JsonSerializerContextProperty = "JsonSerializerContext";
    public const string JsonPropertyNamesCaseSensitiveProperty = "JsonPropertyNamesCaseSensitive";
    public const string DeserializerProperty = "Deserializer";
    public const string DeserializationFailurePolicyProperty = "DeserializationFailurePolicy";
    public const string MaxRetryAttemptsProperty = "MaxRetryAttempts";
    public const string BisectBatchOnErrorProperty = "BisectBatchOnError";
    public const string MaxRecordAgeSecondsProperty = "MaxRecordAgeSeconds";
    public const string RetryDelayMillisecondsProperty = "RetryDelayMilliseconds";
    public const string MaxRetryDelayMillisecondsProperty = "MaxRetryDelayMilliseconds";
    public const string FailureDestinationProperty = "FailureDestination";

    // InitialPosition.
    public const int InitialPositionTrimHorizon = 0;
    public const int InitialPositionLatest = 1;
    public const int InitialPositionAtTimestamp = 2;

    // CheckpointMode.
    public const int CheckpointAfterEachBatch = 0;
    public const int CheckpointManual = 1;
    public const int CheckpointPeriodic = 2;

    // RetrievalMode (unset: the options decide, so the generator writes it only when the attribute sets it).
    public const int RetrievalPolling = 0;
    public const int RetrievalFanOut = 1;

    // DeserializationFailurePolicy.
    public const int FailurePolicyStopShard = 0;
    public const int FailurePolicySkipAndLog = 1;
    public const int FailurePolicyFailureHandler = 2;

    // PayloadFormat.
    public const int FormatAuto = 0;
    public const int FormatJson = 1;
    public const int FormatText = 2;
    public const int FormatBytes = 3;
    public const int FormatRecord = 4;

    // The attributes' values where a property is not set (the runtime's HandlerSettings has the same ones).
    public const int DefaultInitialPosition = InitialPositionTrimHorizon;
    public const int DefaultCheckpointMode = CheckpointAfterEachBatch;
    public const int DefaultPayloadFormat = FormatAuto;
    public const int DefaultFailurePolicy = FailurePolicyStopShard;
    public const int DefaultCheckpointEveryRecords = 0;
    public const int DefaultCheckpointIntervalSeconds = 0;
    public const int DefaultMaxRetryAttempts = -1;
    public const int DefaultMaxRecordAgeSeconds = 0;
    public const int DefaultRetryDelayMilliseconds = 1000;
    public const int DefaultMaxRetryDelayMilliseconds = 30_000;
    public const bool DefaultJsonPropertyNamesCaseSensitive = false;

    /// <summary>The largest MaxRecords Kinesis GetRecords accepts (the runtime validates its options the same way).</summary>
    public const int MaxRecordsLimit = 10_000;

    // Members the checkpoint rules and fixes look for or write.
    public const string CheckpointAsyncMethod = "CheckpointAsync";
    public const string PrepareCheckpointAsyncMethod = "PrepareCheckpointAsync";
    public const string FailedAtMethod = "FailedAt";

    /// <summary>Each enum's member names, indexed by value (generated code names the member; values outside are cast).</summary>
    public static ImmutableArray<string> InitialPositionNames { get; } = ["TrimHorizon", "Latest", "AtTimestamp"];

    public static ImmutableArray<string> CheckpointModeNames { get; } = ["AfterEachBatch", "Manual", "Periodic"];

    public static ImmutableArray<string> RetrievalModeNames { get; } = ["Polling", "FanOut"];

    public static ImmutableArray<string> FailurePolicyNames { get; } = ["StopShard", "SkipAndLog", "FailureHandler"];

    public static ImmutableArray<string> PayloadFormatNames { get; } = ["Auto", "Json", "Text", "Bytes", "Record"];

    /// <summary>Every property the generator understands, with its type, and whether the assembly defaults attribute has it too.</summary>
    public static ImmutableArray<AttributeProperty> Properties { get; } =
    [
        new(ApplicationNameProperty, "System.String"),
        new(InitialPositionProperty, KnownTypeNames.InitialPositionMetadata),
        new(InitialTimestampProperty, "System.String"),
        new(CheckpointModeProperty, KnownTypeNames.CheckpointModeMetadata),
        new(CheckpointEveryRecordsProperty, "System.Int32"),
        new(CheckpointIntervalSecondsProperty, "System.Int32"),
        new(MaxRecordsProperty, "System.Int32"),
        new(IdleTimeBetweenReadsMillisecondsProperty, "System.Int32"),
        new(RetrievalModeProperty, KnownTypeNames.RetrievalModeMetadata),
        new(PayloadFormatProperty, KnownTypeNames.PayloadFormatMetadata, OnDefaults: false),
        new(JsonSerializerContextProperty, "System.Type"),
        new(JsonPropertyNamesCaseSensitiveProperty, "System.Boolean"),
        new(DeserializerProperty, "System.Type", OnDefaults: false),
        new(DeserializationFailurePolicyProperty, KnownTypeNames.DeserializationFailurePolicyMetadata),
        new(MaxRetryAttemptsProperty, "System.Int32"),
        new(BisectBatchOnErrorProperty, "System.Boolean"),
        new(MaxRecordAgeSecondsProperty, "System.Int32"),
        new(RetryDelayMillisecondsProperty, "System.Int32"),
        new(MaxRetryDelayMillisecondsProperty, "System.Int32"),
        new(FailureDestinationProperty, "System.String"),
    ];
}
