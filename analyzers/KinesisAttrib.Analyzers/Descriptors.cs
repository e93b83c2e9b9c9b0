using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers;

/// <summary>The catalog of every diagnostic KinesisAttrib reports. Each one has a page under <c>docs/diagnostics</c>.</summary>
public static class Descriptors
{
    private const string HandlersCategory = "KinesisAttrib.Handlers";
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
        description: "The KinesisAttrib generator only turns ordinary, non-generic, non-abstract methods of a non-generic "
            + "class that generated code can reach into processors, returning Task and taking "
            + "(T payload, RecordContext record, CancellationToken cancellationToken). Any other [KinesisHandler] method "
            + "is skipped: no processor is generated and its records are never consumed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsupportedHandlerShape + ".md");

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
