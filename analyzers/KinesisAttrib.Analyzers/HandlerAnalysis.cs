using KinesisAttrib.Shared;

namespace KinesisAttrib.Analyzers;

/// <summary>What the generator makes of a handler: the problem it is skipped for, or what it is generated with.</summary>
/// <param name="Problem">Why the generator skips the handler; null when it generates it.</param>
/// <param name="Signature">The classified signature, when generated.</param>
/// <param name="Settings">The resolved settings (final payload format, JSON context, checkpoint mode), when generated.</param>
internal sealed record HandlerAnalysis(
    HandlerProblem? Problem,
    Signature? Signature = null,
    ResolvedHandlerSettings? Settings = null);
