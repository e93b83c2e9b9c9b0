using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// Many lease coordinators on one in-memory table and one fake clock, stepped in rounds. In a round every live worker
/// renews what is due, runs one taker cycle, and (standing in for its shard consumers) releases the leases the
/// balancer asked it to hand off. A dead worker does nothing, so its leases expire.
/// </summary>
internal sealed class LeaseFleet
{
    public static readonly TimeSpan Failover = TimeSpan.FromSeconds(10);

    private readonly List<(string Id, LeaseCoordinator Coordinator)> _workers = [];
    private readonly LeaseSettings _settings;

    private readonly StealCountingStore _coordinatorStore;

    public LeaseFleet(LeaseSettings? settings = null)
    {
        _settings = settings ?? new LeaseSettings(Failover, Failover * 3 / 4);
        _coordinatorStore = new StealCountingStore(Store);
    }

    public InMemoryLeaseStore Store { get; } = new();

    /// <summary>Takes of a lease another worker owned (a steal, not a take of a free or released lease).</summary>
    public int Steals => _coordinatorStore.Steals;

    public FakeTimeProvider Time { get; } = new();

    /// <summary>Time between two rounds: a quarter of the failover time.</summary>
    public TimeSpan Step => _settings.FailoverTime / 4;

    public int Takes { get; private set; }

    public IEnumerable<string> Live => _workers.Select(w => w.Id);

    /// <summary>The live workers' coordinators.</summary>
    public IEnumerable<LeaseCoordinator> Coordinators => _workers.Select(w => w.Coordinator);

    public async Task CreateLeasesAsync(int count, string prefix = "shardId-")
    {
        for (var i = 0; i < count; i++)
        {
            await Store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"{prefix}{i:D6}", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }
    }

    public LeaseCoordinator Join(string id, LeaseSettings? settings = null)
    {
        var coordinator = new LeaseCoordinator(_coordinatorStore, id, settings ?? _settings, Time, NullLogger.Instance, LeaseKeys.SingleStream);
        _workers.Add((id, coordinator));
        return coordinator;
    }

    public void Kill(string id) => _workers.RemoveAll(w => w.Id == id);

    public async Task RoundAsync()
    {
        foreach (var (_, coordinator) in _workers)
        {
            await coordinator.RenewLeasesAsync(CancellationToken.None);
            Takes += (await coordinator.TakeLeasesAsync(CancellationToken.None)).Count;
            foreach (var held in coordinator.HeldLeases.Where(h => h.IsHandoffRequested).ToList())
            {
                await coordinator.ReleaseAsync(held, CancellationToken.None);
            }
        }

        Time.Advance(Step);
    }

    /// <summary>Owner of every lease as stored.</summary>
    public async Task<Dictionary<string, string?>> OwnersAsync()
        => (await Store.ListLeasesAsync()).ToDictionary(l => l.LeaseKey, l => l.LeaseOwner, StringComparer.Ordinal);

    /// <summary>Leases per live worker, as stored.</summary>
    public async Task<Dictionary<string, int>> LoadAsync()
    {
        var owners = await OwnersAsync();
        return Live.ToDictionary(id => id, id => owners.Values.Count(o => o == id), StringComparer.Ordinal);
    }

    /// <summary>True when every lease is owned by a live worker and every worker is within one of the average.</summary>
    public async Task<bool> IsBalancedAsync()
    {
        var owners = await OwnersAsync();
        var live = Live.ToHashSet(StringComparer.Ordinal);
        if (owners.Values.Any(o => o is null || !live.Contains(o)))
        {
            return false;
        }

        var average = (double)owners.Count / live.Count;
        return (await LoadAsync()).Values.All(c => Math.Abs(c - average) <= 1);
    }

    /// <summary>Runs rounds until balanced; returns how many it took, or fails after <paramref name="maxRounds"/>.</summary>
    public async Task<int> RunUntilBalancedAsync(int maxRounds)
    {
        for (var round = 1; round <= maxRounds; round++)
        {
            await RoundAsync();
            if (await IsBalancedAsync())
            {
                return round;
            }
        }

        var load = await LoadAsync();
        Assert.Fail($"Not balanced after {maxRounds} rounds: {string.Join(", ", load.Select(kv => $"{kv.Key}={kv.Value}"))}");
        return -1;
    }

    private sealed class StealCountingStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
    {
        private int _steals;

        public int Steals => Volatile.Read(ref _steals);

        public override async Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default)
        {
            var taken = await Inner.TakeLeaseAsync(lease, newOwner, cancellationToken);
            if (taken is not null && lease.LeaseOwner is { } owner && owner != newOwner)
            {
                Interlocked.Increment(ref _steals);
            }

            return taken;
        }
    }
}
