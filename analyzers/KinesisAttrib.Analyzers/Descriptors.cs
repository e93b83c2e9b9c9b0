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
}
