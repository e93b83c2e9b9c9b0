namespace KinesisAttrib.Analyzers;

/// <summary>
/// Diagnostic ids of KinesisAttrib. Ranges: KA1xxx handlers and their attributes. Ids are never reused; each has a page
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
