namespace KinesisAttrib.Analyzers;

/// <summary>
/// Metadata names of the types the analyzers look for; the same ones the generator's parser uses, since the analyzers
/// explain exactly what that parser skips.
/// </summary>
internal static class KnownTypeNames
{
    public const string KinesisHandlerAttribute = "KinesisAttrib.Handlers.KinesisHandlerAttribute";
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";

    public const string KinesisHandlerDefaultsAttribute = "KinesisAttrib.Handlers.KinesisHandlerDefaultsAttribute";

    // Named arguments of [KinesisHandler] and [KinesisHandlerDefaults] that the generator understands.
    public const string ApplicationNameProperty = "ApplicationName";
    public const string InitialPositionProperty = "InitialPosition";
    public const string InitialTimestampProperty = "InitialTimestamp";
    public const string CheckpointModeProperty = "CheckpointMode";
    public const string CheckpointEveryRecordsProperty = "CheckpointEveryRecords";
    public const string CheckpointIntervalSecondsProperty = "CheckpointIntervalSeconds";
    public const string MaxRecordsProperty = "MaxRecords";
    public const string IdleTimeBetweenReadsMillisecondsProperty = "IdleTimeBetweenReadsMilliseconds";
    public const string PayloadFormatProperty = "PayloadFormat";
    public const string JsonSerializerContextProperty = "JsonSerializerContext";
    public const string DeserializerProperty = "Deserializer";
    public const string DeserializationFailurePolicyProperty = "DeserializationFailurePolicy";

    // The failure policy (issue #7): accepted as the generator accepts them; the runtime validates their values at start.
    public const string MaxRetryAttemptsProperty = "MaxRetryAttempts";
    public const string BisectBatchOnErrorProperty = "BisectBatchOnError";
    public const string MaxRecordAgeSecondsProperty = "MaxRecordAgeSeconds";
    public const string RetryDelayMillisecondsProperty = "RetryDelayMilliseconds";
    public const string MaxRetryDelayMillisecondsProperty = "MaxRetryDelayMilliseconds";
    public const string FailureDestinationProperty = "FailureDestination";
}
