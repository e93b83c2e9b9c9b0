using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Hosting;

/// <summary>
/// One handler the runtime runs: which stream, for which application, and how to make a processor for a shard.
/// The generated <c>AddKinesisHandlers()</c> registers one per <see cref="KinesisHandlerAttribute"/>; hand-written
/// processors register their own with <c>AddKinesisHandler</c>.
/// </summary>
public sealed record KinesisHandlerDescriptor
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The application name, or null for <see cref="KinesisAttribOptions.ApplicationName"/>.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>Where to start in shards without a checkpoint.</summary>
    public InitialPosition InitialPosition { get; init; } = InitialPosition.TrimHorizon;

    /// <summary>The time to start at when <see cref="InitialPosition"/> is <see cref="InitialPosition.AtTimestamp"/>.</summary>
    public DateTimeOffset? InitialTimestamp { get; init; }

    /// <summary>Records per GetRecords call for this handler; null for <see cref="KinesisAttribOptions.MaxRecords"/>.</summary>
    public int? MaxRecords { get; init; }

    /// <summary>Wait after an empty read for this handler; null for <see cref="KinesisAttribOptions.IdleTimeBetweenReads"/>.</summary>
    public TimeSpan? IdleTimeBetweenReads { get; init; }

    /// <summary>A readable name for logs, e.g. <c>Sample.OrderHandlers.OnOrder</c>.</summary>
    public required string HandlerName { get; init; }

    /// <summary>Makes the processor of one shard.</summary>
    public required Func<IServiceProvider, IShardRecordProcessor> CreateProcessor { get; init; }
}
