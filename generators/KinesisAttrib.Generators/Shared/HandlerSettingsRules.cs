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
    public static string? Validate(
        int initialPosition,
        string? initialTimestamp,
        int checkpointMode,
        int checkpointEveryRecords,
        int checkpointIntervalSeconds,
        int? maxRecords,
        int? idleTimeBetweenReadsMilliseconds,
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
            return "the attribute sets an enum to a value that is not defined";
        }

        if (initialPosition == AtTimestamp && !HandlerSignature.TryParseTimestamp(initialTimestamp, out _))
        {
            return initialTimestamp is null
                ? "InitialPosition is AtTimestamp but no InitialTimestamp is set; set it to an ISO 8601 time such as \"2025-01-31T00:00:00Z\""
                : $"InitialTimestamp \"{initialTimestamp}\" is not an ISO 8601 time such as \"2025-01-31T00:00:00Z\"";
        }

        if (initialPosition != AtTimestamp && initialTimestamp is not null)
        {
            return "InitialTimestamp is set but InitialPosition is not AtTimestamp";
        }

        if (checkpointEveryRecords < 0 || checkpointIntervalSeconds < 0)
        {
            return "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative";
        }

        if (checkpointMode == CheckpointPeriodic && checkpointEveryRecords == 0 && checkpointIntervalSeconds == 0)
        {
            return "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero";
        }

        if (checkpointMode != CheckpointPeriodic && (checkpointEveryRecords != 0 || checkpointIntervalSeconds != 0))
        {
            return "CheckpointEveryRecords and CheckpointIntervalSeconds only apply to CheckpointMode.Periodic";
        }

        if (maxRecords is < 1 or > 10_000)
        {
            return $"MaxRecords is {maxRecords}; it must be 1 to 10000";
        }

        if (idleTimeBetweenReadsMilliseconds is < 0)
        {
            return $"IdleTimeBetweenReadsMilliseconds is {idleTimeBetweenReadsMilliseconds}; it cannot be negative";
        }

        if (hasDeserializer)
        {
            format = PayloadFormatKind.Custom;
            return payloadFormat == FormatAuto ? null : "the attribute sets both Deserializer and PayloadFormat; a deserializer is the payload format";
        }

        switch (payloadFormat)
        {
            case FormatJson:
                format = PayloadFormatKind.Json;
                return naturalFormat == PayloadFormatKind.Record ? "PayloadFormat.Json cannot produce a KinesisClientRecord" : null;
            case FormatText:
                return naturalFormat == PayloadFormatKind.Text ? null : "PayloadFormat.Text needs a string payload";
            case FormatBytes:
                return naturalFormat is PayloadFormatKind.ByteArray or PayloadFormatKind.Memory ? null : "PayloadFormat.Bytes needs a byte[] or ReadOnlyMemory<byte> payload";
            case FormatRecord:
                return naturalFormat == PayloadFormatKind.Record ? null : "PayloadFormat.Record needs a KinesisClientRecord payload";
            default:
                return null;
        }
    }
}
