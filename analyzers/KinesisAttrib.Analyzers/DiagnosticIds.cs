namespace KinesisAttrib.Analyzers;

/// <summary>
/// Diagnostic ids of KinesisAttrib. Ranges: KA1xxx handler declarations and their attributes,
/// KA2xxx checkpointing, KA3xxx payloads. Ids are never reused; each has a page
/// in <c>docs/diagnostics</c>.
/// </summary>
public static class DiagnosticIds
{
    /// <summary>A <c>[KinesisHandler]</c> method has a shape the generator does not support, so it would be skipped.</summary>
    public const string UnsupportedHandlerShape = "KA1001";

    /// <summary>The stream name of a <c>[KinesisHandler]</c> is not a valid Kinesis stream name.</summary>
    public const string InvalidStreamName = "KA1002";

    /// <summary>Two handlers consume the same stream as the same application.</summary>
    public const string DuplicateHandler = "KA1003";

    // Handler declarations the generator skips, one id per rule (KA1001 stays for the rest), and declaration risks.

    /// <summary>The handler method, or a type containing it, is generic.</summary>
    public const string GenericHandler = "KA1004";

    /// <summary>The handler method is abstract, or an instance method of a class dependency injection cannot create.</summary>
    public const string AbstractHandler = "KA1005";

    /// <summary>The handler method, a containing type or a parameter's type cannot be reached from generated code.</summary>
    public const string InaccessibleHandler = "KA1006";

    /// <summary>A handler parameter the generated processor cannot pass.</summary>
    public const string UnsupportedParameter = "KA1007";

    /// <summary>A handler takes the same context parameter twice.</summary>
    public const string DuplicateParameter = "KA1008";

    /// <summary>A handler has more than one payload parameter.</summary>
    public const string MultiplePayloads = "KA1009";

    /// <summary>A handler is <c>async void</c>.</summary>
    public const string AsyncVoidHandler = "KA1010";

    /// <summary>A numeric attribute value is out of range.</summary>
    public const string AttributeValueOutOfRange = "KA1011";

    /// <summary>An attribute sets an enum to a value the enum does not define.</summary>
    public const string UndefinedEnumValue = "KA1012";

    /// <summary>InitialPosition.AtTimestamp without a parsable InitialTimestamp, or a timestamp without AtTimestamp.</summary>
    public const string InvalidInitialTimestamp = "KA1013";

    /// <summary>CheckpointMode.Periodic without a limit, or limits without Periodic.</summary>
    public const string InvalidPeriodicCheckpoint = "KA1014";

    /// <summary>The Deserializer type is not a usable <c>IRecordDeserializer&lt;T&gt;</c> of the payload.</summary>
    public const string InvalidDeserializer = "KA1015";

    /// <summary>PayloadFormat does not fit the payload type, or is combined with a Deserializer.</summary>
    public const string PayloadFormatMismatch = "KA1016";

    // Payloads.

    /// <summary>The payload type cannot be deserialized from JSON.</summary>
    public const string PayloadNotDeserializable = "KA3001";

    /// <summary>The named JsonSerializerContext has no metadata for the payload type.</summary>
    public const string JsonContextLacksPayload = "KA3002";

    /// <summary>Reflection-based JSON in a project that publishes with Native AOT or declares IsAotCompatible.</summary>
    public const string ReflectionJsonInAotProject = "KA3003";

    /// <summary>The JsonSerializerContext property names a type that is not a usable JsonSerializerContext.</summary>
    public const string InvalidJsonSerializerContext = "KA3004";
    // Checkpointing (KA2xxx): analyzed by Checkpointing/CheckpointAnalyzer.

    /// <summary>A manual-checkpoint handler can finish without checkpointing.</summary>
    public const string ManualCheckpointMissing = "KA2001";

    /// <summary>A manual-checkpoint handler has no checkpointer parameter, so it can never checkpoint.</summary>
    public const string ManualWithoutCheckpointer = "KA2002";

    /// <summary>A handler's checkpointer parameter is never used.</summary>
    public const string UnusedCheckpointer = "KA2003";

    /// <summary>A checkpoint call is not awaited.</summary>
    public const string CheckpointNotAwaited = "KA2004";

    /// <summary>A batch handler checkpoints once per record inside a loop over its batch.</summary>
    public const string CheckpointPerRecord = "KA2005";

    /// <summary>The checkpointer is stored, or captured by code that outlives the handler call.</summary>
    public const string CheckpointerEscapes = "KA2006";

    /// <summary>A checkpoint inside a catch block that swallows the failure.</summary>
    public const string CheckpointInSwallowingCatch = "KA2007";

    /// <summary>A checkpoint in a finally block, which also runs when the handling failed.</summary>
    public const string CheckpointInFinally = "KA2008";
}
