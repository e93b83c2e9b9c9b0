using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A <see cref="ShardCheckpointer"/> over a real lease: <c>s-0</c> in an in-memory store, held by worker <c>a</c>.</summary>
internal static class ShardCheckpointerArrangement
{
    /// <summary>Creates lease <c>s-0</c> checkpointed at <paramref name="start"/>, takes it, and returns its checkpointer and the store.</summary>
    public static async Task<(ShardCheckpointer Checkpointer, InMemoryLeaseStore Store)> CreateAsync(ExtendedSequenceNumber start)
    {
        var store = new InMemoryLeaseStore();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "s-0", Checkpoint = start });
        var coordinator = new LeaseCoordinator(store, "a", TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance);
        await coordinator.TakeLeasesAsync(CancellationToken.None);
        return (new ShardCheckpointer(coordinator, coordinator.HeldLeases.Single()), store);
    }
}
