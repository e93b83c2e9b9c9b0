using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Hosting;

/// <summary>
/// One handler the runtime runs: its settings and how to make a processor for a shard. The generated
/// <c>AddKinesisHandlers()</c> registers one per <see cref="KinesisHandlerAttribute"/>; hand-written processors
/// register their own with <c>AddKinesisHandler</c>.
/// </summary>
public sealed record KinesisHandlerDescriptor
{
    /// <summary>Which stream, for which application, and how the handler runs (at least <see cref="HandlerSettings.StreamName"/>).</summary>
    public required HandlerSettings Settings { get; init; }

    /// <summary>
    /// Makes the processor of one shard, given the effective settings: <see cref="Settings"/> with the application's
    /// overrides (<see cref="KinesisAttribOptions.Applications"/>) applied and validated when the host started.
    /// </summary>
    public required Func<IServiceProvider, HandlerSettings, IShardRecordProcessor> CreateProcessor { get; init; }
}
