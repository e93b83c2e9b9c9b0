namespace KinesisAttrib.Shared;

/// <summary>
/// The values set on a <c>[KinesisHandler]</c> or <c>[assembly: KinesisHandlerDefaults]</c> attribute; null where the
/// attribute does not set the property. Enum values are kept as numbers.
/// </summary>
internal sealed record AttributeSettings(
    string? ApplicationName = null,
    int? InitialPosition = null,
    string? InitialTimestamp = null,
    int? CheckpointMode = null,
    int? CheckpointEveryRecords = null,
    int? CheckpointIntervalSeconds = null,
    int? MaxRecords = null,
    int? IdleTimeBetweenReadsMilliseconds = null,
    int? RetrievalMode = null,
    int? PayloadFormat = null,
    TypeRef? JsonSerializerContext = null,
    bool? JsonPropertyNamesCaseSensitive = null,
    int? DeserializationFailurePolicy = null,
    int? MaxRetryAttempts = null,
    bool? BisectBatchOnError = null,
    int? MaxRecordAgeSeconds = null,
    int? RetryDelayMilliseconds = null,
    int? MaxRetryDelayMilliseconds = null,
    string? FailureDestination = null)
{
    public static AttributeSettings None { get; } = new();

    /// <summary>
    /// This attribute's values, with <paramref name="defaults"/> where this one sets nothing. A value that only
    /// qualifies a default (the timestamp of <c>AtTimestamp</c>, the limits of <c>Periodic</c>) is not inherited by a
    /// handler that chooses another position or mode.
    /// </summary>
    public AttributeSettings Over(AttributeSettings defaults) => new(
        ApplicationName ?? defaults.ApplicationName,
        InitialPosition ?? defaults.InitialPosition,
        InitialTimestamp ?? (HandlerSettingsRules.Inherits(InitialPosition, RuntimeContract.InitialPositionAtTimestamp) ? defaults.InitialTimestamp : null),
        CheckpointMode ?? defaults.CheckpointMode,
        CheckpointEveryRecords ?? (HandlerSettingsRules.Inherits(CheckpointMode, RuntimeContract.CheckpointPeriodic) ? defaults.CheckpointEveryRecords : null),
        CheckpointIntervalSeconds ?? (HandlerSettingsRules.Inherits(CheckpointMode, RuntimeContract.CheckpointPeriodic) ? defaults.CheckpointIntervalSeconds : null),
        MaxRecords ?? defaults.MaxRecords,
        IdleTimeBetweenReadsMilliseconds ?? defaults.IdleTimeBetweenReadsMilliseconds,
        RetrievalMode ?? defaults.RetrievalMode,
        PayloadFormat ?? defaults.PayloadFormat,
        JsonSerializerContext ?? defaults.JsonSerializerContext,
        JsonPropertyNamesCaseSensitive ?? defaults.JsonPropertyNamesCaseSensitive,
        DeserializationFailurePolicy ?? defaults.DeserializationFailurePolicy,
        MaxRetryAttempts ?? defaults.MaxRetryAttempts,
        BisectBatchOnError ?? defaults.BisectBatchOnError,
        MaxRecordAgeSeconds ?? defaults.MaxRecordAgeSeconds,
        RetryDelayMilliseconds ?? defaults.RetryDelayMilliseconds,
        MaxRetryDelayMilliseconds ?? defaults.MaxRetryDelayMilliseconds,
        FailureDestination ?? defaults.FailureDestination);
}
