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
}
