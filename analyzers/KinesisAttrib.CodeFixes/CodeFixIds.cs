namespace KinesisAttrib.CodeFixes;

/// <summary>Equivalence keys of the code fixes, so "fix all" groups the same fix together.</summary>
internal static class CodeFixIds
{
    /// <summary>Prefix of every equivalence key.</summary>
    public const string Prefix = "KinesisAttrib.";

    // Checkpointing (KA2xxx).
    public const string AddCheckpointAtEnd = Prefix + "AddCheckpointAtEnd";
    public const string UseAfterBatchCheckpointing = Prefix + "UseAfterBatchCheckpointing";
    public const string AwaitCheckpoint = Prefix + "AwaitCheckpoint";
}
