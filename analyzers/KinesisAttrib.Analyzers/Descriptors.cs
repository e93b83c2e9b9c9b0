using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>The catalog of every diagnostic KinesisAttrib reports. Each one has a page under <c>docs/diagnostics</c>.</summary>
public static class Descriptors
{
    private const string HandlersCategory = "KinesisAttrib.Handlers";
    private const string PayloadsCategory = "KinesisAttrib.Payloads";
    private const string HelpLinkBase = "https://github.com/kinesisattrib/kinesisattrib/blob/main/docs/diagnostics/";

    /// <summary>
    /// KA1001: the generator skips a <c>[KinesisHandler]</c> method it cannot turn into a processor; without this error
    /// the handler would silently never run. {0} is the method, {1} the specific reason.
    /// </summary>
    public static readonly DiagnosticDescriptor UnsupportedHandlerShape = new(
        id: DiagnosticIds.UnsupportedHandlerShape,
        title: "Handler method has a shape the generator does not support",
        messageFormat: "Handler method '{0}' has a shape the generator does not support: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The KinesisAttrib generator only turns ordinary methods declared in a class into processors, taking a "
            + "payload plus context types and services and returning Task, ValueTask or void (or BatchResult for batches). "
            + "Any other [KinesisHandler] method is skipped: no processor is generated and its records are never consumed. "
            + "Rules with their own id (KA1004-KA1016, KA3004) are reported under it; KA1001 covers the rest.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsupportedHandlerShape + ".md",
        customTags: HandlerSkippedTag);

    /// <summary>KA1002: the stream name is not 1–128 characters of <c>[a-zA-Z0-9_.-]</c>; Kinesis would reject it. {0} is the name, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InvalidStreamName = new(
        id: DiagnosticIds.InvalidStreamName,
        title: "Invalid Kinesis stream name",
        messageFormat: "Stream name {0} is not a valid Kinesis stream name: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Kinesis stream names are 1 to 128 characters of a-z, A-Z, 0-9, '_', '.' and '-'. A handler with "
            + "any other name can never consume: the worker fails when it first describes the stream.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.InvalidStreamName + ".md");

    /// <summary>
    /// KA1003: two handlers consume the same stream as the same application; the runtime refuses to start. {0} is this
    /// handler, {1} the stream, {2} the application, {3} the handler declared first.
    /// </summary>
    public static readonly DiagnosticDescriptor DuplicateHandler = new(
        id: DiagnosticIds.DuplicateHandler,
        title: "Two handlers consume the same stream as the same application",
        messageFormat: "Handler '{0}' consumes stream '{1}' as application {2}, like handler '{3}'; an application has one handler per stream",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Leases and checkpoints belong to an (application, stream) pair, so two handlers for the same pair "
            + "would steal each other's shards. The runtime refuses to start with such a pair; give one of the handlers "
            + "another ApplicationName. Handlers without ApplicationName share the default application.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DuplicateHandler + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    // Handler declarations (KA1004-KA1016). The errors built with Skipped() are exactly the rules the generator's parser
    // skips a handler for (HandlerRule in the shared sources); KA1008 is a warning and the handler is generated.

    /// <summary>Custom tag on every descriptor whose handler the generator skips (no processor is generated).</summary>
    public const string HandlerSkippedTag = "KinesisAttrib.HandlerSkipped";

    /// <summary>KA1004: Handler method or its class is generic; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor GenericHandler = Skipped(
        DiagnosticIds.GenericHandler,
        "Handler method or its class is generic",
        "The generated processor calls the handler with concrete types and registers its class in dependency "
        + "injection by name; a type parameter on the method or on any containing type leaves nothing concrete to "
        + "call. The handler is skipped and its records are never consumed.");

    /// <summary>KA1005: Handler method is abstract, or its class cannot be created; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor AbstractHandler = Skipped(
        DiagnosticIds.AbstractHandler,
        "Handler method is abstract, or its class cannot be created",
        "An abstract method has no body to call, and an instance handler of an abstract class cannot be created by "
        + "dependency injection. The handler is skipped and its records are never consumed.");

    /// <summary>KA1006: Handler is not accessible to the generated code; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InaccessibleHandler = Skipped(
        DiagnosticIds.InaccessibleHandler,
        "Handler is not accessible to the generated code",
        "The generated processor lives in another file of the same assembly. A private, protected or file-local "
        + "handler, containing type or parameter type cannot be named from there, so the handler is skipped and its "
        + "records are never consumed.");

    /// <summary>KA1007: Handler parameter cannot be passed by the generated processor; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameter = Skipped(
        DiagnosticIds.UnsupportedParameter,
        "Handler parameter cannot be passed by the generated processor",
        "A handler parameter is the payload, a context type (RecordContext, BatchContext, "
        + "IRecordProcessorCheckpointer, CancellationToken, IServiceProvider) or a service from dependency "
        + "injection, passed by value. ref/in/out and params parameters, dynamic, pointer and ref struct types, "
        + "Memory<byte>, a KinesisRecord<T> outside a batch, a RecordContext in a batch handler and a service with a "
        + "non-null default cannot be passed, so the handler is skipped.");

    /// <summary>KA1008: a handler takes the same context type twice; it works, but one of them is a mistake. {0} is the method, {1} the type, {2} and {3} the parameters.</summary>
    public static readonly DiagnosticDescriptor DuplicateParameter = new(
        id: DiagnosticIds.DuplicateParameter,
        title: "Handler takes the same context parameter twice",
        messageFormat: "Handler method '{0}' takes {1} twice, as '{2}' and '{3}'; both receive the same value, so remove one",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "RecordContext, BatchContext, IRecordProcessorCheckpointer, CancellationToken and IServiceProvider are "
            + "passed once per call; a second parameter of the same type receives the same value. The handler runs, but "
            + "the duplicate usually means a parameter meant to be something else (a service, or the payload).",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DuplicateParameter + ".md");

    /// <summary>KA1009: Handler has more than one payload parameter; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor MultiplePayloads = Skipped(
        DiagnosticIds.MultiplePayloads,
        "Handler has more than one payload parameter",
        "The first parameter that is not a context type is the payload; every later one is resolved from "
        + "dependency injection. A second parameter of the payload type, or of a type only a record decodes to "
        + "(string, byte[], ReadOnlyMemory<byte>, KinesisClientRecord, IReadOnlyList<T>, KinesisRecord<T>), is not a "
        + "service anybody registers, so every record would fail. The handler is skipped.");

    /// <summary>KA1010: Handler is async void; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor AsyncVoidHandler = Skipped(
        DiagnosticIds.AsyncVoidHandler,
        "Handler is async void",
        "An async void method returns to the processor at its first await: the processor would checkpoint records "
        + "that are still being processed, and an exception would crash the process instead of being retried. The "
        + "handler is skipped; return Task or ValueTask.");

    /// <summary>KA1011: Handler attribute value is out of range; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor AttributeValueOutOfRange = Skipped(
        DiagnosticIds.AttributeValueOutOfRange,
        "Handler attribute value is out of range",
        "MaxRecords must be 1 to 10000 (the GetRecords limit); IdleTimeBetweenReadsMilliseconds, "
        + "CheckpointEveryRecords and CheckpointIntervalSeconds cannot be negative; MaxRetryAttempts must be -1 (no "
        + "limit) or more; MaxRecordAgeSeconds, RetryDelayMilliseconds and MaxRetryDelayMilliseconds cannot be "
        + "negative. The generator skips a handler with such a value.");

    /// <summary>KA1012: Handler attribute sets an undefined enum value; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor UndefinedEnumValue = Skipped(
        DiagnosticIds.UndefinedEnumValue,
        "Handler attribute sets an undefined enum value",
        "InitialPosition, CheckpointMode, PayloadFormat and DeserializationFailurePolicy only have the values "
        + "their enums define; a cast number the runtime does not know is rejected and the handler is skipped.");

    /// <summary>KA1013: InitialPosition and InitialTimestamp do not fit together; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InvalidInitialTimestamp = Skipped(
        DiagnosticIds.InvalidInitialTimestamp,
        "InitialPosition and InitialTimestamp do not fit together",
        "InitialPosition.AtTimestamp needs an InitialTimestamp in ISO 8601 (e.g. \"2025-01-31T00:00:00Z\"), and an "
        + "InitialTimestamp means nothing without AtTimestamp. The handler is skipped rather than started at a "
        + "position nobody chose.");

    /// <summary>KA1014: CheckpointMode and the periodic checkpoint limits do not fit together; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InvalidPeriodicCheckpoint = Skipped(
        DiagnosticIds.InvalidPeriodicCheckpoint,
        "CheckpointMode and the periodic checkpoint limits do not fit together",
        "CheckpointMode.Periodic needs CheckpointEveryRecords or CheckpointIntervalSeconds greater than zero "
        + "(otherwise it would never checkpoint), and those limits mean nothing in another mode. The handler is "
        + "skipped.");

    /// <summary>KA1015: Deserializer is not an IRecordDeserializer of the payload type; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InvalidDeserializer = Skipped(
        DiagnosticIds.InvalidDeserializer,
        "Deserializer is not an IRecordDeserializer of the payload type",
        "The Deserializer type must be a concrete, accessible class implementing IRecordDeserializer<T> for the "
        + "handler's payload type T (the element type for batch handlers). Otherwise the generator skips the "
        + "handler.");

    /// <summary>KA1016: PayloadFormat does not fit the payload type; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor PayloadFormatMismatch = Skipped(
        DiagnosticIds.PayloadFormatMismatch,
        "PayloadFormat does not fit the payload type",
        "PayloadFormat.Text needs a string payload, Bytes a byte[] or ReadOnlyMemory<byte>, Record a "
        + "KinesisClientRecord, Json anything but KinesisClientRecord; a Deserializer is itself the format and "
        + "cannot be combined with PayloadFormat. The handler is skipped.");

    // Payloads (KA3xxx).

    /// <summary>KA3001: the JSON payload type cannot be deserialized by System.Text.Json. {0} is the type, {1} the handler, {2} the reason.</summary>
    public static readonly DiagnosticDescriptor PayloadNotDeserializable = new(
        id: DiagnosticIds.PayloadNotDeserializable,
        title: "Payload type cannot be deserialized from JSON",
        messageFormat: "Payload type '{0}' of handler '{1}' cannot be deserialized from JSON: {2}",
        category: PayloadsCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "System.Text.Json creates a payload with its public parameterless constructor, the constructor marked "
            + "[JsonConstructor], or its only public constructor (whose parameters must match properties); it cannot create "
            + "interfaces or abstract classes unless a [JsonConverter] or [JsonPolymorphic]/[JsonDerivedType] says how. "
            + "Otherwise every record fails to decode and the shard stops at the first one.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.PayloadNotDeserializable + ".md");

    /// <summary>KA3002: the named JsonSerializerContext has no metadata for the payload. {0} is the context, {1} the payload type, {2} the handler.</summary>
    public static readonly DiagnosticDescriptor JsonContextLacksPayload = new(
        id: DiagnosticIds.JsonContextLacksPayload,
        title: "JsonSerializerContext does not know the payload type",
        messageFormat: "JsonSerializerContext '{0}' has no metadata for payload type '{1}' of handler '{2}'; add [JsonSerializable(typeof({1}))] to it",
        category: PayloadsCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A source-generated JsonSerializerContext only knows the types listed with [JsonSerializable] and the "
            + "types reachable from them. The generated processor asks the context for the payload type (the element type "
            + "for batch handlers) and fails with InvalidOperationException when it is missing, so the handler never runs.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.JsonContextLacksPayload + ".md");

    /// <summary>KA3003: reflection-based JSON in a Native AOT or AOT-compatible project. {0} is the handler, {1} the payload type, {2} the MSBuild property.</summary>
    public static readonly DiagnosticDescriptor ReflectionJsonInAotProject = new(
        id: DiagnosticIds.ReflectionJsonInAotProject,
        title: "Reflection-based JSON in a Native AOT project",
        messageFormat: "Handler '{0}' decodes '{1}' with reflection-based JSON, but the project sets {2}; name a JsonSerializerContext on the handler or in [assembly: KinesisHandlerDefaults]",
        category: PayloadsCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Without a JsonSerializerContext the generated processor uses System.Text.Json's reflection-based "
            + "serializer, which Native AOT and trimming cannot support: after publishing, the payload's members may be "
            + "trimmed away or the serializer may fail at run time. Name a source-generated context instead.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ReflectionJsonInAotProject + ".md");

    /// <summary>KA3004: the JsonSerializerContext property names a type that is not a usable context; the generator skips the handler. {0} is the method, {1} the reason.</summary>
    public static readonly DiagnosticDescriptor InvalidJsonSerializerContext = new(
        id: DiagnosticIds.InvalidJsonSerializerContext,
        title: "JsonSerializerContext is not a usable JsonSerializerContext",
        messageFormat: "Handler method '{0}' is not generated: {1}",
        category: PayloadsCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The JsonSerializerContext property (on the handler or [assembly: KinesisHandlerDefaults]) must name a "
            + "concrete, non-generic, accessible class deriving from System.Text.Json.Serialization.JsonSerializerContext, "
            + "normally a partial class the System.Text.Json source generator completes. Otherwise the handler is skipped.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.InvalidJsonSerializerContext + ".md",
        customTags: HandlerSkippedTag);

    private static DiagnosticDescriptor Skipped(string id, string title, string description) => new(
        id: id,
        title: title,
        messageFormat: "Handler method '{0}' is not generated: {1}",
        category: HandlersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: description,
        helpLinkUri: HelpLinkBase + id + ".md",
        customTags: HandlerSkippedTag);
    // Checkpointing (KA2xxx): Checkpointing/CheckpointAnalyzer.
    private const string CheckpointingCategory = "KinesisAttrib.Checkpointing";

    /// <summary>
    /// KA2001: a <c>CheckpointMode.Manual</c> handler can finish normally without checkpointing (flow analysis over the
    /// body). {0} is the handler, {1} which path (a batch handler) or that no path checkpoints (a per-record handler).
    /// </summary>
    public static readonly DiagnosticDescriptor ManualCheckpointMissing = new(
        id: DiagnosticIds.ManualCheckpointMissing,
        title: "Manual-checkpoint handler can finish without checkpointing",
        messageFormat: "Handler '{0}' uses CheckpointMode.Manual, but {1}",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "With CheckpointMode.Manual the processor never checkpoints for the handler, not even on a graceful "
            + "shutdown. A batch handler that returns without checkpointing leaves its batch to be delivered again to the "
            + "next owner of the shard; a per-record handler with no checkpoint at all never moves the shard's checkpoint. "
            + "Paths that throw, or return BatchResult.FailedAt, need no checkpoint: those records are delivered again.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ManualCheckpointMissing + ".md");

    /// <summary>KA2002: a <c>CheckpointMode.Manual</c> handler has no checkpointer parameter. {0} is the handler.</summary>
    public static readonly DiagnosticDescriptor ManualWithoutCheckpointer = new(
        id: DiagnosticIds.ManualWithoutCheckpointer,
        title: "Manual-checkpoint handler has no checkpointer",
        messageFormat: "Handler '{0}' uses CheckpointMode.Manual but takes no IRecordProcessorCheckpointer, so it never checkpoints",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "With CheckpointMode.Manual only the handler checkpoints, through an IRecordProcessorCheckpointer "
            + "parameter. Without one the shard's checkpoint never moves (except at SHARD_END): every restart or lease move "
            + "delivers everything again from the last checkpoint.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ManualWithoutCheckpointer + ".md");

    /// <summary>KA2003: a handler's checkpointer parameter is never used. {0} is the parameter, {1} the handler, {2} what follows for its mode.</summary>
    public static readonly DiagnosticDescriptor UnusedCheckpointer = new(
        id: DiagnosticIds.UnusedCheckpointer,
        title: "Checkpointer parameter is never used",
        messageFormat: "Checkpointer parameter '{0}' of handler '{1}' is never used; {2}",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A handler asks for an IRecordProcessorCheckpointer to checkpoint itself. If it never uses it, either a "
            + "checkpoint was forgotten (with CheckpointMode.Manual the shard then never advances) or the parameter is "
            + "dead weight because the processor already checkpoints (AfterEachBatch, Periodic).",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnusedCheckpointer + ".md");

    /// <summary>KA2004: a checkpoint call's task is discarded. {0} is the call.</summary>
    public static readonly DiagnosticDescriptor CheckpointNotAwaited = new(
        id: DiagnosticIds.CheckpointNotAwaited,
        title: "Checkpoint call is not awaited",
        messageFormat: "'{0}' is not awaited; the checkpoint can still be running, or have failed unseen, when the handler returns",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A checkpoint is a conditional write to the lease table that can fail (lease lost, throttling). Not "
            + "awaited, its failure is never observed, it races with the next batch's checkpoint, and the handler reports "
            + "success for records whose checkpoint may never be written. Discarding with '_ =' is not awaiting.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.CheckpointNotAwaited + ".md");

    /// <summary>KA2005: a batch handler checkpoints in every iteration of a loop over its batch. {0} is the batch parameter.</summary>
    public static readonly DiagnosticDescriptor CheckpointPerRecord = new(
        id: DiagnosticIds.CheckpointPerRecord,
        title: "Checkpoint per record in a batch handler",
        messageFormat: "Checkpointing in every iteration of a loop over '{0}' writes the lease table once per record; checkpoint once after the loop, or use CheckpointMode.Periodic",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each checkpoint is a DynamoDB write. One per record (up to 10,000 a batch, per shard) throttles the lease "
            + "table, slows the shard to the table's write capacity and costs money; a checkpoint covers every record "
            + "before it, so one after the loop does the same job.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.CheckpointPerRecord + ".md");

    /// <summary>KA2006: the checkpointer outlives the handler call. {0} says how.</summary>
    public static readonly DiagnosticDescriptor CheckpointerEscapes = new(
        id: DiagnosticIds.CheckpointerEscapes,
        title: "Checkpointer outlives the handler call",
        messageFormat: "The checkpointer {0}, so it can be used after the handler returned",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A checkpointer belongs to one delivery: what it may checkpoint is limited to the records handed to this "
            + "call, and after the handler returns the shard may have moved on, been rewound after a failure, or been "
            + "taken by another worker. Used later, it checkpoints records that were never handled (they are lost) or "
            + "fails. Checkpoint before returning instead.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.CheckpointerEscapes + ".md");

    /// <summary>KA2007: a checkpoint in a catch block that can complete without rethrowing.</summary>
    public static readonly DiagnosticDescriptor CheckpointInSwallowingCatch = new(
        id: DiagnosticIds.CheckpointInSwallowingCatch,
        title: "Checkpoint in a catch block that swallows the failure",
        messageFormat: "Checkpoint in a catch block that swallows the exception: the records whose handling failed are marked done and never delivered again; rethrow, or return BatchResult.FailedAt",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A checkpoint says \"these records are done\". Written from a catch block that then carries on, it "
            + "marks the records whose handling just failed as done: they are silently lost. Let the exception propagate "
            + "(the records come again), report a partial failure, or hand them to a dead-letter store first.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.CheckpointInSwallowingCatch + ".md");

    /// <summary>KA2008: an unconditional checkpoint in a finally block after work that can fail.</summary>
    public static readonly DiagnosticDescriptor CheckpointInFinally = new(
        id: DiagnosticIds.CheckpointInFinally,
        title: "Checkpoint in a finally block also runs when the handling failed",
        messageFormat: "Checkpoint in a finally block: it also runs when the try block throws, marking the records whose handling failed as done; checkpoint at the end of the try block instead",
        category: CheckpointingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A finally block runs when the try block throws. A checkpoint there is written before the exception "
            + "reaches the runtime, so the redelivery that the exception asks for starts after the failed records: they "
            + "are lost. Checkpoint as the last statement of the try block, or guard the checkpoint with a success flag.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.CheckpointInFinally + ".md");
}
