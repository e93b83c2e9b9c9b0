using KinesisAttrib.Processing;
using KinesisAttrib.Shards;

namespace KinesisAttrib.Hosting;

/// <summary>What the runtime starts for one (application, stream): everything resolved, validated and immutable.</summary>
/// <param name="Application">The application name.</param>
/// <param name="Stream">The stream actually consumed (after <see cref="KinesisAttribOptions.StreamNames"/>).</param>
/// <param name="LeaseTable">The lease table.</param>
/// <param name="MultiStreamLeaseKeys">Whether the table holds several streams of the application, so lease keys carry the stream name.</param>
/// <param name="Handler">The handler's effective settings (global options, then its attribute, then the application's overrides).</param>
/// <param name="Scheduler">The scheduler's timings and limits, lease settings and shard consumer settings.</param>
/// <param name="CreateProcessor">Makes the processor of one shard from <paramref name="Handler"/>.</param>
internal sealed record SchedulerPlan(
    string Application,
    string Stream,
    string LeaseTable,
    bool MultiStreamLeaseKeys,
    HandlerSettings Handler,
    SchedulerOptions Scheduler,
    Func<IServiceProvider, HandlerSettings, IShardRecordProcessor> CreateProcessor)
{
    /// <summary>A processor for one shard, made with the effective settings.</summary>
    public IShardRecordProcessor NewProcessor(IServiceProvider services) => CreateProcessor(services, Handler);
}
