using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Leases;

/// <summary>The taker/balancer on a fake clock: convergence, expiry order, bounded stealing, no oscillation, fencing.</summary>
public sealed class LeaseBalancingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Failover = LeaseFleet.Failover;

    [Fact]
    public async Task Balancer_Spreads1000LeasesOver20Workers_ToWithinOneOfTheAverage_AndThenStaysPut()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(1000);
        for (var i = 0; i < 20; i++)
        {
            fleet.Join($"worker-{i:D2}");
        }

        var rounds = await fleet.RunUntilBalancedAsync(maxRounds: 12);

        Assert.All((await fleet.LoadAsync()).Values, count => Assert.InRange(count, 49, 51));
        Assert.True(rounds <= 6, $"took {rounds} rounds");
        output.WriteLine($"balanced after {rounds} rounds, {fleet.Takes} takes");

        // Stays put: 40 more rounds (100 s, ten failover times) move no lease and take nothing.
        var owners = await fleet.OwnersAsync();
        var takes = fleet.Takes;
        for (var i = 0; i < 40; i++)
        {
            await fleet.RoundAsync();
        }

        Assert.Equal(owners, await fleet.OwnersAsync());
        Assert.Equal(takes, fleet.Takes);
    }

    [Fact]
    public async Task Taker_OfANewWorker_TakesManyFreeLeasesInOneCycle()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(1000);
        var worker = fleet.Join("only");

        var taken = await worker.TakeLeasesAsync(CancellationToken.None);

        Assert.Equal(1000, taken.Count);
    }

    [Fact]
    public async Task Taker_TakesExpiredLeasesBeforeFreeOnes()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "z-0", LeaseOwner = "dead", LeaseCounter = 5, Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        var worker = new LeaseCoordinator(store, "a", new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesForWorker: 2), time, NullLogger.Instance, LeaseKeys.SingleStream);
        Assert.Empty(await worker.TakeLeasesAsync(CancellationToken.None));

        // Free leases appear; the dead worker's counter has not moved for the failover time.
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "a-0", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "a-1", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        time.Advance(Failover);
        var taken = await worker.TakeLeasesAsync(CancellationToken.None);

        Assert.Equal(2, taken.Count);
        Assert.Equal("z-0", taken[0].LeaseKey);
        Assert.StartsWith("a-", taken[1].LeaseKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taker_RespectsMaxLeasesForWorker()
    {
        var fleet = new LeaseFleet(new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesForWorker: 3));
        await fleet.CreateLeasesAsync(10);
        fleet.Join("a");
        fleet.Join("b");

        for (var i = 0; i < 10; i++)
        {
            await fleet.RoundAsync();
        }

        Assert.Equal(new Dictionary<string, int> { ["a"] = 3, ["b"] = 3 }, await fleet.LoadAsync());
    }

    [Fact]
    public async Task Stealing_IsBoundedPerCycle_AndOnlyFromAWorkerWithAtLeastTwoMore()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        var owners = new[] { "x", "x", "x", "x", "y", "y", "y", "y", "z", "z", "z", "z", "thief" };
        for (var i = 0; i < owners.Length; i++)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"s-{i:D2}", LeaseOwner = owners[i], Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var thief = new LeaseCoordinator(store, "thief", new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesToStealAtOneTime: 1), time, NullLogger.Instance, LeaseKeys.SingleStream);

        // x, y, z hold 4 each, the thief 1 (13 leases, 4 workers: target 4). One steal per cycle, each from a worker
        // at least two ahead; after two the gaps are at most one and stealing stops.
        var first = await thief.TakeLeasesAsync(CancellationToken.None);
        var second = await thief.TakeLeasesAsync(CancellationToken.None);
        var third = await thief.TakeLeasesAsync(CancellationToken.None);

        Assert.Equal(2, first.Count);
        Assert.Contains(first, l => l.LeaseKey == "s-12");
        Assert.Single(second);
        Assert.Empty(third);
        var load = (await store.ListLeasesAsync()).GroupBy(l => l.LeaseOwner!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, load["thief"]);
        Assert.Equal([3, 3, 4], new[] { load["x"], load["y"], load["z"] }.Order());
    }

    [Fact]
    public async Task Stealing_WaitsForAWorkerAboveItsShareToHandLeasesOff()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        for (var i = 0; i < 6; i++)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"s-{i}", LeaseOwner = i < 5 ? "busy" : "other", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var thief = new LeaseCoordinator(store, "newcomer", new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesToStealAtOneTime: 5), time, NullLogger.Instance, LeaseKeys.SingleStream);

        // Holding nothing, the newcomer is invisible to busy: it steals one lease to be seen (not five).
        Assert.Single(await thief.TakeLeasesAsync(CancellationToken.None));

        // busy (4) is above the target (2) and will hand off by itself once it sees the newcomer: no further steal.
        Assert.Empty(await thief.TakeLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Balancer_WhenWorkersComeAndGo_RebalancesWithoutALeaseEverMovingBack_AndSettles()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(100);
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            fleet.Join(id);
        }

        await fleet.RunUntilBalancedAsync(maxRounds: 10);
        await AssertSettlesWithoutMovingBackAsync(fleet, () => { fleet.Join("f"); fleet.Join("g"); });
        await AssertSettlesWithoutMovingBackAsync(fleet, () => fleet.Kill("b"));
        await AssertSettlesWithoutMovingBackAsync(fleet, () => { fleet.Kill("c"); fleet.Join("h"); });
        await AssertSettlesWithoutMovingBackAsync(fleet, () => fleet.Join("i"));
    }

    private static async Task AssertSettlesWithoutMovingBackAsync(LeaseFleet fleet, Action change)
    {
        change();
        var history = (await fleet.OwnersAsync()).ToDictionary(kv => kv.Key, kv => new List<string?> { kv.Value }, StringComparer.Ordinal);
        var balancedFor = 0;
        for (var round = 0; round < 60 && balancedFor < 20; round++)
        {
            await fleet.RoundAsync();
            foreach (var (key, owner) in await fleet.OwnersAsync())
            {
                if (history[key][^1] != owner)
                {
                    history[key].Add(owner);
                }
            }

            balancedFor = await fleet.IsBalancedAsync() ? balancedFor + 1 : 0;
        }

        Assert.True(balancedFor >= 20, $"did not settle after the change: {string.Join(", ", (await fleet.LoadAsync()).Select(kv => $"{kv.Key}={kv.Value}"))}");
        foreach (var (key, owners) in history)
        {
            // A lease may pass through "free" (a hand-off) but never returns to a worker that gave it up.
            var workers = owners.Where(o => o is not null).ToList();
            Assert.True(workers.Distinct().Count() == workers.Count, $"lease {key} moved back: {string.Join(" -> ", owners.Select(o => o ?? "(free)"))}");
            Assert.True(workers.Count <= 3, $"lease {key} moved {workers.Count - 1} times: {string.Join(" -> ", owners.Select(o => o ?? "(free)"))}");
        }
    }

    [Fact]
    public async Task StolenLease_IsDetectedByItsFormerOwner_WithinOneRenewalInterval()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(4);
        var a = fleet.Join("a");
        await fleet.RoundAsync();
        var b = fleet.Join("b");
        await b.TakeLeasesAsync(CancellationToken.None);
        var stolen = b.HeldLeases.Single().LeaseKey;
        var victim = a.HeldLeases.Single(h => h.LeaseKey == stolen);

        var elapsed = TimeSpan.Zero;
        while (!victim.IsLost)
        {
            await a.RenewLeasesAsync(CancellationToken.None);
            fleet.Time.Advance(TimeSpan.FromMilliseconds(100));
            elapsed += TimeSpan.FromMilliseconds(100);
            Assert.True(elapsed <= Failover * 3 / 4 + TimeSpan.FromMilliseconds(100), "the victim kept the stolen lease longer than one renewal interval");
        }

        Assert.True(victim.Lost.IsCancellationRequested);
        Assert.DoesNotContain(a.HeldLeases, h => h.LeaseKey == stolen);
    }

    [Fact]
    public async Task StolenLease_StartsOnlyOnceItsFormerOwnerMustHaveNoticed_WhileAFreeLeaseStartsAtOnce()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "s-0", LeaseOwner = "busy", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "s-1", LeaseOwner = "busy", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "s-2", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        var settings = new LeaseSettings(Failover, TimeSpan.FromSeconds(8), TakerInterval: TimeSpan.FromSeconds(5));
        var thief = new LeaseCoordinator(store, "thief", settings, time, NullLogger.Instance, LeaseKeys.SingleStream);

        // The thief's share is 2: it takes the free lease (startable at once) and steals nothing (busy is only one ahead).
        var free = Assert.Single(await thief.TakeLeasesAsync(CancellationToken.None));
        Assert.True(thief.CanStart(thief.HeldLeases.Single(h => h.LeaseKey == free.LeaseKey)));

        // A newcomer holding nothing steals one of busy's leases to become visible.
        var newcomer = new LeaseCoordinator(store, "newcomer", settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        var stolen = Assert.Single(await newcomer.TakeLeasesAsync(CancellationToken.None));
        var held = newcomer.HeldLeases.Single(h => h.LeaseKey == stolen.LeaseKey);

        // The victim notices within min(taker interval, renewal interval) = 5 s; plus one retry interval.
        Assert.Equal(TimeSpan.FromSeconds(5) + settings.RetryInterval, settings.StolenLeaseStartDelay);
        time.Advance(settings.StolenLeaseStartDelay - TimeSpan.FromMilliseconds(1));
        Assert.False(newcomer.CanStart(held));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(newcomer.CanStart(held));
    }

    [Fact]
    public async Task Owner_WhoseRenewalsFail_GivesTheLeaseUpBeforeAnotherWorkerCanTakeIt()
    {
        var store = new FlakyLeaseStore(new InMemoryLeaseStore());
        var time = new FakeTimeProvider();
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "s-0", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        var settings = new LeaseSettings(Failover, Failover * 3 / 4);
        var a = new LeaseCoordinator(store, "a", settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        var b = new LeaseCoordinator(store, "b", settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        await a.TakeLeasesAsync(CancellationToken.None);
        var held = a.HeldLeases.Single();
        await b.TakeLeasesAsync(CancellationToken.None);
        store.FailRenewals = true;

        var renewAttempts = 0;
        for (var step = 0; step < 40; step++)
        {
            time.Advance(settings.RetryInterval / 2);
            var before = store.RenewCalls;
            await a.RenewLeasesAsync(CancellationToken.None);
            renewAttempts += store.RenewCalls - before;
            if ((await b.TakeLeasesAsync(CancellationToken.None)).Count > 0)
            {
                Assert.True(held.IsLost, "b took the lease while a still believed it held it");
                Assert.True(renewAttempts >= 2, "a failed renewal is retried before giving up");
                return;
            }
        }

        Assert.Fail("b never took the expired lease");
    }

    private sealed class FlakyLeaseStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
    {
        private int _renewCalls;

        public bool FailRenewals { get; set; }

        public int RenewCalls => Volatile.Read(ref _renewCalls);

        public override Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _renewCalls);
            return FailRenewals ? throw new TimeoutException("lease table unreachable") : Inner.RenewLeaseAsync(lease, cancellationToken);
        }
    }
}
