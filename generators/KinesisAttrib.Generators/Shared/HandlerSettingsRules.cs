namespace KinesisAttrib.Shared;

/// <summary>
/// The checks on a handler's attribute values after the assembly defaults are merged in, shared as source by the
/// generator and the analyzers. They run on <see cref="AttributeSettings"/> (numbers and strings), so the generator can
/// run them on its cached models.
/// </summary>
internal static class HandlerSettingsRules
{
    /// <summary>
    /// Whether a handler inherits the assembly default of a value that qualifies one choice (e.g. the timestamp of
    /// AtTimestamp): when it does not make the choice itself, or makes that same choice.
    /// </summary>
    public static bool Inherits(int? handlerChoice, int qualifiedChoice) => handlerChoice is null || handlerChoice == qualifiedChoice;

    /// <summary>
    /// Merges <paramref name="defaults"/> under the handler's own values and checks the result: why it is inconsistent,
    /// or null with the merged values and the payload format they select.
    /// </summary>
    public static HandlerProblem? Resolve(
        AttributeSettings own,
        AttributeSettings defaults,
        bool hasDeserializer,
        PayloadFormatKind naturalFormat,
        out AttributeSettings merged,
        out PayloadFormatKind format)
    {
        merged = own.Over(defaults);
        return Validate(merged, hasDeserializer, naturalFormat, out format);
    }

    /// <summary>Why the values are inconsistent, or null; and the payload format they select.</summary>
    private static HandlerProblem? Validate(AttributeSettings settings, bool hasDeserializer, PayloadFormatKind naturalFormat, out PayloadFormatKind format)
    {
        format = naturalFormat;

        // Unset values as the runtime defaults them.
        var initialPosition = settings.InitialPosition ?? RuntimeContract.DefaultInitialPosition;
        var checkpointMode = settings.CheckpointMode ?? RuntimeContract.DefaultCheckpointMode;
        var checkpointEveryRecords = settings.CheckpointEveryRecords ?? RuntimeContract.DefaultCheckpointEveryRecords;
        var checkpointIntervalSeconds = settings.CheckpointIntervalSeconds ?? RuntimeContract.DefaultCheckpointIntervalSeconds;
        var payloadFormat = settings.PayloadFormat ?? RuntimeContract.DefaultPayloadFormat;
        var failurePolicy = settings.DeserializationFailurePolicy ?? RuntimeContract.DefaultFailurePolicy;
        var retrievalMode = settings.RetrievalMode ?? RuntimeContract.RetrievalPolling;

        if (initialPosition is < 0 or > RuntimeContract.InitialPositionAtTimestamp || checkpointMode is < 0 or > RuntimeContract.CheckpointPeriodic || failurePolicy is < 0 or > RuntimeContract.FailurePolicyFailureHandler
            || payloadFormat is < RuntimeContract.FormatAuto or > RuntimeContract.FormatRecord || retrievalMode is < RuntimeContract.RetrievalPolling or > RuntimeContract.RetrievalFanOut)
        {
            var property = initialPosition is < 0 or > RuntimeContract.InitialPositionAtTimestamp ? RuntimeContract.InitialPositionProperty
                : checkpointMode is < 0 or > RuntimeContract.CheckpointPeriodic ? RuntimeContract.CheckpointModeProperty
                : failurePolicy is < 0 or > RuntimeContract.FailurePolicyFailureHandler ? RuntimeContract.DeserializationFailurePolicyProperty
                : retrievalMode is < RuntimeContract.RetrievalPolling or > RuntimeContract.RetrievalFanOut ? RuntimeContract.RetrievalModeProperty
                : RuntimeContract.PayloadFormatProperty;
            return new(HandlerRule.UndefinedEnumValue, $"the attribute sets {property} to a value that is not defined", property);
        }

        if (initialPosition == RuntimeContract.InitialPositionAtTimestamp && !HandlerSignature.TryParseTimestamp(settings.InitialTimestamp, out _))
        {
            return settings.InitialTimestamp is null
                ? new(HandlerRule.InitialTimestamp, "InitialPosition is AtTimestamp but no InitialTimestamp is set; set it to an ISO 8601 time such as \"2025-01-31T00:00:00Z\"", RuntimeContract.InitialPositionProperty)
                : new(HandlerRule.InitialTimestamp, $"InitialTimestamp \"{settings.InitialTimestamp}\" is not an ISO 8601 time such as \"2025-01-31T00:00:00Z\"", RuntimeContract.InitialTimestampProperty);
        }

        if (initialPosition != RuntimeContract.InitialPositionAtTimestamp && settings.InitialTimestamp is not null)
        {
            return new(HandlerRule.InitialTimestamp, "InitialTimestamp is set but InitialPosition is not AtTimestamp", RuntimeContract.InitialTimestampProperty);
        }

        if (checkpointEveryRecords < 0 || checkpointIntervalSeconds < 0)
        {
            return new(HandlerRule.ValueOutOfRange, "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative", checkpointEveryRecords < 0 ? RuntimeContract.CheckpointEveryRecordsProperty : RuntimeContract.CheckpointIntervalSecondsProperty);
        }

        if (checkpointMode == RuntimeContract.CheckpointPeriodic && checkpointEveryRecords == 0 && checkpointIntervalSeconds == 0)
        {
            return new(HandlerRule.PeriodicCheckpoint, "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero", RuntimeContract.CheckpointModeProperty);
        }

        if (checkpointMode != RuntimeContract.CheckpointPeriodic && (checkpointEveryRecords != 0 || checkpointIntervalSeconds != 0))
        {
            return new(HandlerRule.PeriodicCheckpoint, "CheckpointEveryRecords and CheckpointIntervalSeconds only apply to CheckpointMode.Periodic", checkpointEveryRecords != 0 ? RuntimeContract.CheckpointEveryRecordsProperty : RuntimeContract.CheckpointIntervalSecondsProperty);
        }

        if (settings.MaxRecords is < 1 or > RuntimeContract.MaxRecordsLimit)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRecords is {settings.MaxRecords}; it must be 1 to {RuntimeContract.MaxRecordsLimit}", RuntimeContract.MaxRecordsProperty);
        }

        if (settings.IdleTimeBetweenReadsMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"IdleTimeBetweenReadsMilliseconds is {settings.IdleTimeBetweenReadsMilliseconds}; it cannot be negative", RuntimeContract.IdleTimeBetweenReadsMillisecondsProperty);
        }

        // The failure policy: exactly what HandlerSettings.Validate rejects at start (the values map one to one onto
        // its MaxRetryAttempts, MaxRecordAge, RetryDelay and MaxRetryDelay).
        if (settings.MaxRetryAttempts is < -1)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRetryAttempts is {settings.MaxRetryAttempts}; it must be -1 (no limit) or more", RuntimeContract.MaxRetryAttemptsProperty);
        }

        if (settings.MaxRecordAgeSeconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRecordAgeSeconds is {settings.MaxRecordAgeSeconds}; it cannot be negative (0: no limit)", RuntimeContract.MaxRecordAgeSecondsProperty);
        }

        if (settings.RetryDelayMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"RetryDelayMilliseconds is {settings.RetryDelayMilliseconds}; it cannot be negative", RuntimeContract.RetryDelayMillisecondsProperty);
        }

        if (settings.MaxRetryDelayMilliseconds is < 0)
        {
            return new(HandlerRule.ValueOutOfRange, $"MaxRetryDelayMilliseconds is {settings.MaxRetryDelayMilliseconds}; it cannot be negative", RuntimeContract.MaxRetryDelayMillisecondsProperty);
        }

        if (hasDeserializer)
        {
            format = PayloadFormatKind.Custom;
            return payloadFormat == RuntimeContract.FormatAuto ? null : new(HandlerRule.PayloadFormat, "the attribute sets both Deserializer and PayloadFormat; a deserializer is the payload format", RuntimeContract.PayloadFormatProperty);
        }

        switch (payloadFormat)
        {
            case RuntimeContract.FormatJson:
                format = PayloadFormatKind.Json;
                return naturalFormat == PayloadFormatKind.Record ? new(HandlerRule.PayloadFormat, "PayloadFormat.Json cannot produce a KinesisClientRecord", RuntimeContract.PayloadFormatProperty) : null;
            case RuntimeContract.FormatText:
                return naturalFormat == PayloadFormatKind.Text ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Text needs a string payload", RuntimeContract.PayloadFormatProperty);
            case RuntimeContract.FormatBytes:
                return naturalFormat is PayloadFormatKind.ByteArray or PayloadFormatKind.Memory ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Bytes needs a byte[] or ReadOnlyMemory<byte> payload", RuntimeContract.PayloadFormatProperty);
            case RuntimeContract.FormatRecord:
                return naturalFormat == PayloadFormatKind.Record ? null : new(HandlerRule.PayloadFormat, "PayloadFormat.Record needs a KinesisClientRecord payload", RuntimeContract.PayloadFormatProperty);
            default:
                return null;
        }
    }
}
