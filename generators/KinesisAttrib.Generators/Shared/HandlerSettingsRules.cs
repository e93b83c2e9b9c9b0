namespace KinesisAttrib.Shared;

/// <summary>
/// The checks on a handler's attribute values (after assembly defaults are merged in), shared as source by the
/// generator and the analyzers. Values are the attribute's numbers and strings, so the generator can run them on its
/// cached models.
/// </summary>
internal static class HandlerSettingsRules
{
    // Numeric values of the runtime's enums (KinesisAttrib.Handlers).
    public const int AtTimestamp = 2;
    public const int CheckpointPeriodic = 2;
    public const int MaxInitialPosition = 2;
    public const int MaxCheckpointMode = 2;
    public const int MaxFailurePolicy = 2;
    public const int FormatAuto = 0;
    public const int FormatJson = 1;
    public const int FormatText = 2;
    public const int FormatBytes = 3;
    public const int FormatRecord = 4;

    /// <summary>
    /// Whether a handler inherits the assembly default of a value that qualifies one choice (e.g. the timestamp of
    /// AtTimestamp): when it does not make the choice itself, or makes that same choice.
    /// </summary>
    public static bool Inherits(int? handlerChoice, int qualifiedChoice) => handlerChoice is null || handlerChoice == qualifiedChoice;

    /// <summary>Why the values are inconsistent, or null; and the payload format they select.</summary>
    public static HandlerProblem? Validate(
        int initialPosition,
        string? initialTimestamp,
        int checkpointMode,
        int checkpointEveryRecords,
        int checkpointIntervalSeconds,
        int? maxRecords,
        int? idleTimeBetweenReadsMilliseconds,
        int? maxRetryAttempts,
        int? maxRecordAgeSeconds,
        int? retryDelayMilliseconds,
        int? maxRetryDelayMilliseconds,
        int payloadFormat,
        int failurePolicy,
        bool hasDeserializer,
        PayloadFormatKind naturalFormat,
        out PayloadFormatKind format)
    {
        format = naturalFormat;
        if (initialPosition is < 0 or > MaxInitialPosition || checkpointMode is < 0 or > MaxCheckpointMode || failurePolicy is < 0 or > MaxFailurePolicy
            || payloadFormat is < FormatAuto or > FormatRecord)
        {
            var property = initialPosition is < 0 or > MaxInitialPosition ? "InitialPosition"
                : checkpointMode is < 0 or > MaxCheckpointMode ? "CheckpointMode"
                : failurePolicy is < 0 or > MaxFailurePolicy ? "DeserializationFailurePolicy"
                : "PayloadFormat";
            return new(HandlerRule.UndefinedEnumValue, $"the attribute sets {property} to a value that is not defined", property);
        }

        if (initialPosition == AtTimestamp && !HandlerSignature.TryParseTimestamp(initialTimestamp, out _))
        {
            return initialTimestamp is null
                ? new(HandlerRule.InitialTimestamp, "InitialPosition is AtTimestamp but no InitialTimestamp is set; set it to an ISO 8601 time such as \"2025-01-31T00:00:00Z\"", "InitialPosition")
                : new(HandlerRule.InitialTimestamp, $"InitialTimestamp \"{initialTimestamp}\" is not an ISO 8601 time such as \"2025-01-31T00:00:00Z\"", "InitialTimestamp");
        }

        if (initialPosition != AtTimestamp && initialTimestamp is not null)
        {
            return new(HandlerRule.InitialTimestamp, "InitialTimestamp is set but InitialPosition is not AtTimestamp", "InitialTimestamp");
        }

        if (checkpointEveryRecords < 0 || checkpointIntervalSeconds < 0)
        {
            return new(HandlerRule.ValueOutOfRange, "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative", checkpointEveryRecords < 0 ? "CheckpointEveryRecords" : "CheckpointIntervalSeconds");
        }

        if (checkpointMode == CheckpointPeriodic && checkpointEveryRecords == 0 && checkpointIntervalSeconds == 0)
        {
            return new(HandlerRule.PeriodicCheckpoint, "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero", "CheckpointMode");
        }

        if (checkpointMode != CheckpointPeriodic && (checkpointEveryRecords != 0 || checkpointIntervalSeconds != 0))
        {
            return new(HandlerRule.PeriodicCheckpoint, "CheckpointEveryRecords and CheckpointIntervalSeconds only apply to CheckpointMode.Periodic", checkpointEveryRecords != 0 ? "CheckpointEveryRecords" : "CheckpointIntervalSeconds");
        }

        if (maxRecords is < 1 or > 10_000)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRecords is {maxRecords}; it must be 1 to 10000", "MaxRecords");
        }

        if (idleTimeBetweenReadsMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"IdleTimeBetweenReadsMilliseconds is {idleTimeBetweenReadsMilliseconds}; it cannot be negative", "IdleTimeBetweenReadsMilliseconds");
        }

        // The failure policy: exactly what HandlerSettings.Validate rejects at start (the values map one to one onto
        // its MaxRetryAttempts, MaxRecordAge, RetryDelay and MaxRetryDelay).
        if (maxRetryAttempts is < -1)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRetryAttempts is {maxRetryAttempts}; it must be -1 (no limit) or more", "MaxRetryAttempts");
        }

        if (maxRecordAgeSeconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRecordAgeSeconds is {maxRecordAgeSeconds}; it cannot be negative (0: no limit)", "MaxRecordAgeSeconds");
        }

        if (retryDelayMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"RetryDelayMilliseconds is {retryDelayMilliseconds}; it cannot be negative", "RetryDelayMilliseconds");
        }

        if (maxRetryDelayMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRetryDelayMilliseconds is {maxRetryDelayMilliseconds}; it cannot be negative", "MaxRetryDelayMilliseconds");
        }

        if (hasDeserializer)
        {
            format = PayloadFormatKind.Custom;
            return payloadFormat == FormatAuto ? null : new(HandlerRule.PayloadFormat, "the attribute sets both Deserializer and PayloadFormat; a deserializer is the payload format", "PayloadFormat");
        }

        switch (payloadFormat)
        {
            case FormatJson:
                format = PayloadFormatKind.Json;
                return naturalFormat == PayloadFormatKind.Record ? new(HandlerRule.PayloadFormat, "PayloadFormat.Json cannot produce a KinesisClientRecord", "PayloadFormat") : null;
            case FormatText:
                return naturalFormat == PayloadFormatKind.Text ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Text needs a string payload", "PayloadFormat");
            case FormatBytes:
                return naturalFormat is PayloadFormatKind.ByteArray or PayloadFormatKind.Memory ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Bytes needs a byte[] or ReadOnlyMemory<byte> payload", "PayloadFormat");
            case FormatRecord:
                return naturalFormat == PayloadFormatKind.Record ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Record needs a KinesisClientRecord payload", "PayloadFormat");
            default:
                return null;
        }
    }
}
