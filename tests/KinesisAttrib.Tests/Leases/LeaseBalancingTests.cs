using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
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
        Assert.Equal(0, fleet.Steals); // the first worker takes everything; the others ask and are handed their share
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
    public async Task Moving_IsAskedFor_NotStolen_BoundedPerCycle_AndOnlyFromAWorkerWithAtLeastTwoMore()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        var owners = new[] { "x", "x", "x", "x", "y", "y", "y", "y", "z", "z", "z", "z", "thief" };
        for (var i = 0; i < owners.Length; i++)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"s-{i:D2}", LeaseOwner = owners[i], Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var thief = new LeaseCoordinator(store, "thief", new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesToStealAtOneTime: 1), time, NullLogger.Instance, LeaseKeys.SingleStream);

        // x, y, z hold 4 each, the thief 1 (13 leases, 4 workers: target 4). One request per cycle, each to a worker
        // at least two ahead of what the thief will hold; after two the gaps are at most one and asking stops.
        Assert.Equal(["s-12"], (await thief.TakeLeasesAsync(CancellationToken.None)).Select(l => l.LeaseKey));
        Assert.Empty(await thief.TakeLeasesAsync(CancellationToken.None));
        Assert.Empty(await thief.TakeLeasesAsync(CancellationToken.None));

        // Nothing was taken from anyone: two owners were asked, and their leases (counters included) are untouched.
        var asked = (await store.ListLeasesAsync()).Where(l => l.HandoffRequestedBy == "thief").ToList();
        Assert.Equal(2, asked.Count);
        Assert.Equal(2, asked.Select(l => l.LeaseOwner).Distinct().Count());
        Assert.All(asked, l => Assert.Equal(0, l.LeaseCounter));

        // The owners answer at their next scan: checkpoint, release. The thief takes both, and nobody else could.
        foreach (var lease in asked)
        {
            Assert.NotNull(await store.EvictLeaseAsync(lease));
        }

        var other = new LeaseCoordinator(store, "x", new LeaseSettings(Failover, Failover * 3 / 4), time, NullLogger.Instance, LeaseKeys.SingleStream);
        Assert.DoesNotContain(await other.TakeLeasesAsync(CancellationToken.None), l => asked.Any(a => a.LeaseKey == l.LeaseKey));
        Assert.Equal(2, (await thief.TakeLeasesAsync(CancellationToken.None)).Count);
        var load = (await store.ListLeasesAsync()).GroupBy(l => l.LeaseOwner!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, load["thief"]);
        Assert.Equal([3, 3, 4], new[] { load["x"], load["y"], load["z"] }.Order());
        Assert.All(await store.ListLeasesAsync(), l => Assert.Null(l.HandoffRequestedBy));
    }

    [Fact]
    public async Task ANewcomerHoldingNothing_AsksForOneLeaseToBeSeen_AndTheLoadedWorkerShedsItsShareWithoutLosingAny()
    {
        var store = new InMemoryLeaseStore();
        var time = new FakeTimeProvider();
        for (var i = 0; i < 6; i++)
        {
            await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = $"s-{i}", Checkpoint = ExtendedSequenceNumber.TrimHorizon });
        }

        var busy = new LeaseCoordinator(store, "busy", new LeaseSettings(Failover, Failover * 3 / 4), time, NullLogger.Instance, LeaseKeys.SingleStream);
        Assert.Equal(6, (await busy.TakeLeasesAsync(CancellationToken.None)).Count);
        var newcomer = new LeaseCoordinator(store, "newcomer", new LeaseSettings(Failover, Failover * 3 / 4, MaxLeasesToStealAtOneTime: 5), time, NullLogger.Instance, LeaseKeys.SingleStream);

        // Holding nothing, the newcomer is invisible to busy: it asks for one lease to be seen (not five), takes none.
        Assert.Empty(await newcomer.TakeLeasesAsync(CancellationToken.None));
        Assert.Single(await store.ListLeasesAsync(), l => l.HandoffRequestedBy == "newcomer");

        // busy now counts it (share 3): it hands over the lease asked for and two more by itself.
        await busy.TakeLeasesAsync(CancellationToken.None);
        Assert.Equal(3, busy.HeldLeases.Count(h => h.IsHandoffRequested));

        // Until busy has released them, the newcomer asks for nothing more and steals nothing.
        Assert.Empty(await newcomer.TakeLeasesAsync(CancellationToken.None));
        Assert.Single(await store.ListLeasesAsync(), l => l.HandoffRequestedBy == "newcomer");
        foreach (var held in busy.HeldLeases.Where(h => h.IsHandoffRequested).ToList())
        {
            await busy.ReleaseAsync(held, CancellationToken.None);
        }

        Assert.Equal(3, (await newcomer.TakeLeasesAsync(CancellationToken.None)).Count);
        Assert.Equal(3, busy.HeldLeases.Count);
        Assert.DoesNotContain(busy.HeldLeases, h => h.IsLost);
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
    public async Task JoiningWorkers_GetTheirShareByHandOff_NeverByASteal()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(100);
        foreach (var id in new[] { "a", "b", "c" })
        {
            fleet.Join(id);
        }

        await fleet.RunUntilBalancedAsync(maxRounds: 10);
        var steals = fleet.Steals;
        fleet.Join("d");
        fleet.Join("e");
        var rounds = 0;
        while (!await fleet.IsBalancedAsync())
        {
            Assert.True(++rounds <= 12, "did not balance after two workers joined");
            await fleet.RoundAsync();
        }

        // Every lease moved through "free" (released by its owner after a checkpoint), never straight from one worker
        // to another: a steal would redeliver the records since the victim's last checkpoint.
        output.WriteLine($"balanced {rounds} rounds after two workers joined");
        Assert.Equal(steals, fleet.Steals);
        Assert.All((await fleet.LoadAsync()).Values, count => Assert.Equal(20, count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomJoinsAndDeaths_NeverLeaveALeaseWithTwoLiveHolders_AndTheFleetSettlesAfterwards(int seed)
    {
        var random = new Random(seed);
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(60);
        var next = 0;
        for (var i = 0; i < 3; i++)
        {
            fleet.Join($"w{next++}");
        }

        for (var round = 0; round < 80; round++)
        {
            // Every fourth round on average someone joins or dies (never the last worker).
            switch (random.Next(8))
            {
                case 0:
                    fleet.Join($"w{next++}");
                    break;
                case 1 when fleet.Live.Count() > 1:
                    fleet.Kill(fleet.Live.ElementAt(random.Next(fleet.Live.Count())));
                    break;
            }

            await fleet.RoundAsync();

            // At a round's end no lease is held, unlost, by two live workers: moves between live workers are
            // hand-offs (release, then take), never steals.
            var holders = fleet.Coordinators.SelectMany(c => c.HeldLeases.Where(h => !h.IsLost).Select(h => (h.LeaseKey, c.WorkerId))).ToList();
            var doubled = holders.GroupBy(h => h.LeaseKey).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(h => h.WorkerId))}").ToList();
            Assert.True(doubled.Count == 0, $"round {round}: held twice: {string.Join("; ", doubled)}");
        }

        // Once membership stops changing, the fleet balances within a few failover times and stays so.
        var rounds = await fleet.RunUntilBalancedAsync(maxRounds: 24);
        output.WriteLine($"seed {seed}: {fleet.Live.Count()} workers balanced {rounds} rounds after the last change");
        var owners = await fleet.OwnersAsync();
        for (var i = 0; i < 20; i++)
        {
            await fleet.RoundAsync();
        }

        Assert.Equal(owners, await fleet.OwnersAsync());
    }

    [Fact]
    public async Task ARequesterThatDies_LeavesNoLeaseUnowned_ForLongerThanTheFailoverTime()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(4);
        fleet.Join("a");
        await fleet.RoundAsync();
        var b = fleet.Join("b");
        Assert.Empty(await b.TakeLeasesAsync(CancellationToken.None));
        fleet.Kill("b");

        // a hands the lease over to b (counting b, its share is 2, so it sheds two), but b never comes for them.
        await fleet.RoundAsync();
        Assert.Contains((await fleet.OwnersAsync()).Values, owner => owner is null);

        // Once the released leases have sat unused for the failover time, b no longer counts and a takes them back.
        var waited = TimeSpan.Zero;
        while ((await fleet.OwnersAsync()).Values.Any(owner => owner != "a"))
        {
            Assert.True(waited <= LeaseFleet.Failover + (2 * fleet.Step), $"leases left unowned for {waited}");
            await fleet.RoundAsync();
            waited += fleet.Step;
        }
    }

    [Fact]
    public async Task AnUnansweredRequest_EndsInASteal_AfterTheHandoffTimeout_WhichTheFormerOwnerDetectsWithinOneRenewalInterval()
    {
        var fleet = new LeaseFleet();
        await fleet.CreateLeasesAsync(4);
        var a = fleet.Join("a");
        await fleet.RoundAsync();
        var b = fleet.Join("b");

        // a is stuck (it renews but never scans, e.g. a consumer that will not finish its batch): b's request goes
        // unanswered, and b steals only after the timeout.
        Assert.Empty(await b.TakeLeasesAsync(CancellationToken.None));
        var asked = Assert.Single(await fleet.Store.ListLeasesAsync(), l => l.HandoffRequestedBy == "b").LeaseKey;
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            fleet.Time.Advance(fleet.Step);
            elapsed += fleet.Step;
            await a.RenewLeasesAsync(CancellationToken.None);
            var taken = await b.TakeLeasesAsync(CancellationToken.None);
            if (elapsed < a.Settings.HandoffRequestTimeout)
            {
                Assert.Empty(taken);
                continue;
            }

            Assert.Equal([asked], taken.Select(l => l.LeaseKey));
            break;
        }

        var victim = a.HeldLeases.Single(h => h.LeaseKey == asked);

        elapsed = TimeSpan.Zero;
        while (!victim.IsLost)
        {
            await a.RenewLeasesAsync(CancellationToken.None);
            fleet.Time.Advance(TimeSpan.FromMilliseconds(100));
            elapsed += TimeSpan.FromMilliseconds(100);
            Assert.True(elapsed <= Failover * 3 / 4 + TimeSpan.FromMilliseconds(100), "the victim kept the stolen lease longer than one renewal interval");
        }

        Assert.True(victim.Lost.IsCancellationRequested);
        Assert.DoesNotContain(a.HeldLeases, h => h.LeaseKey == asked);
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

        // The thief's share is 2: it takes the free lease (startable at once) and asks for nothing (busy is only one ahead).
        var free = Assert.Single(await thief.TakeLeasesAsync(CancellationToken.None));
        Assert.True(thief.CanStart(thief.HeldLeases.Single(h => h.LeaseKey == free.LeaseKey)));

        // A newcomer holding nothing asks busy for a lease; busy never answers (it kept renewing, so the lease is
        // not expired), and after the timeout the newcomer steals it.
        var newcomer = new LeaseCoordinator(store, "newcomer", settings, time, NullLogger.Instance, LeaseKeys.SingleStream);
        Assert.Empty(await newcomer.TakeLeasesAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(20), settings.HandoffRequestTimeout);
        for (var waited = TimeSpan.Zero; waited < settings.HandoffRequestTimeout; waited += TimeSpan.FromSeconds(5))
        {
            // Both owners stay alive (renewing straight through the store, every 5 s, well within the failover time).
            foreach (var lease in (await store.ListLeasesAsync()).Where(l => l.LeaseOwner is "busy" or "thief"))
            {
                Assert.NotNull(await store.RenewLeaseAsync(lease));
            }

            time.Advance(TimeSpan.FromSeconds(5));
            if (waited + TimeSpan.FromSeconds(5) < settings.HandoffRequestTimeout)
            {
                Assert.Empty(await newcomer.TakeLeasesAsync(CancellationToken.None));
            }
        }

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
    public async Task Owner_WhoseRenewalsFail_StopsTheShardBeforeAnotherWorkerCanTakeIt_AndLosesItAfter()
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
                Assert.True(held.IsSuspended, "b took the lease while a was still processing its shard");
                Assert.True(renewAttempts >= 2, "a failed renewal is retried before the lease is suspended");

                // The table answers a again: its renewal is refused (b's take moved the counter), so it is lost.
                store.FailRenewals = false;
                time.Advance(settings.RetryInterval);
                await a.RenewLeasesAsync(CancellationToken.None);
                Assert.True(held.IsLost);
                Assert.Empty(a.HeldLeases);
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
