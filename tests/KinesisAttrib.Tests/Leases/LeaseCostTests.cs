using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace KinesisAttrib.Tests.Leases;

/// <summary>
/// Lease-table requests per shard-hour, measured on the in-memory store (one call = one DynamoDB request) over a
/// simulated hour, against the KCL 2.x figure at the same failover time (docs/design/leases.md has the derivation).
/// </summary>
public sealed class LeaseCostTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(100, 4)]
    [InlineData(16, 4)]
    public async Task LeaseCoordination_OfIdleShards_CostsAtMostHalfTheKclRequestsPerShardHour(int shards, int workers)
    {
        var failover = TimeSpan.FromSeconds(10);
        var settings = new KinesisAttrib.Hosting.KinesisAttribOptions { FailoverTime = failover }.ToSchedulerOptions().Leases;
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        for (var i = 0; i < shards; i++)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"shardId-{i:D12}", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var coordinators = Enumerable.Range(0, workers)
            .Select(w => new LeaseCoordinator(store, $"w-{w}", settings, time, NullLogger.Instance, LeaseKeys.SingleStream))
            .ToList();

        // Warm up until balanced, then measure one hour: the renewer ticks every RetryInterval, the taker every failover time.
        async Task StepAsync(int tick)
        {
            foreach (var coordinator in coordinators)
            {
                await coordinator.RenewLeasesAsync(CancellationToken.None);
                if (tick % 16 == 0)
                {
                    await coordinator.TakeLeasesAsync(CancellationToken.None);
                    foreach (var held in coordinator.HeldLeases.Where(h => h.IsHandoffRequested).ToList())
                    {
                        await coordinator.ReleaseAsync(held, CancellationToken.None);
                    }
                }
            }

            time.Advance(settings.RetryInterval);
        }

        for (var tick = 0; tick < 16 * 10; tick++)
        {
            await StepAsync(tick);
        }

        Assert.All(coordinators, c => Assert.InRange(c.HeldLeases.Count, shards / workers - 1, (shards / workers) + 1));
        var before = store.RequestCount;
        var ticksPerHour = (int)(TimeSpan.FromHours(1) / settings.RetryInterval);
        for (var tick = 0; tick < ticksPerHour; tick++)
        {
            await StepAsync(tick);
        }

        var ours = (double)(store.RequestCount - before) / shards;

        // KCL 2.x at the same failover time: every lease renewed every failover/3 - 25 ms, and every worker scans the
        // table every 2 x (failover + 25 ms) (one Scan request per 1 MB page; these tables fit in one page).
        var kclRenewals = 3600 / (failover.TotalSeconds / 3 - 0.025);
        var kclScans = workers * 3600 / (2 * (failover.TotalSeconds + 0.025)) / shards;
        var kcl = kclRenewals + kclScans;
        output.WriteLine($"{shards} shards, {workers} workers: {ours:F0} requests per shard-hour; KCL 2.x {kcl:F0} ({ours / kcl:P0})");
        Assert.True(ours <= kcl / 2, $"{ours:F0} requests per shard-hour is more than half of KCL 2.x's {kcl:F0}");
    }
}
