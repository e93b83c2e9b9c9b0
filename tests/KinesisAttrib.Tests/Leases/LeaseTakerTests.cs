using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.Leases;

/// <summary>The taker's decision as a pure function: a scan, the held leases, the observations and a time in; what to do out. No store, no clock.</summary>
public sealed class LeaseTakerTests
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(10);
    private static readonly LeaseSettings Settings = new(Failover, Failover * 4 / 5);
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(1);

    private static Lease L(string key, string? owner = null, long counter = 1, string? requestedBy = null, bool finished = false) => new()
    {
        LeaseKey = key,
        LeaseOwner = owner,
        LeaseCounter = counter,
        HandoffRequestedBy = requestedBy,
        Checkpoint = finished ? ExtendedSequenceNumber.ShardEnd : ExtendedSequenceNumber.TrimHorizon,
    };

    /// <summary>Every lease of the scan as observed at its current counter since <paramref name="seenAt"/>.</summary>
    private static Dictionary<string, LeaseObservation> SeenSince(IEnumerable<Lease> scan, TimeSpan seenAt)
        => scan.ToDictionary(l => l.LeaseKey, l => new LeaseObservation(l.LeaseCounter, seenAt), StringComparer.Ordinal);

    private static LeaseTakerDecision Decide(
        IReadOnlyList<Lease> scan,
        string worker = "a",
        LeaseSettings? settings = null,
        string[]? held = null,
        string[]? handingOff = null,
        Dictionary<string, LeaseObservation>? observations = null,
        Dictionary<string, HandoffRequest>? requests = null,
        TimeSpan? now = null)
        => new LeaseTaker(worker, settings ?? Settings).Decide(
            scan,
            held ?? [],
            handingOff ?? [],
            observations ?? SeenSince(scan, Start),
            requests ?? [],
            now ?? Start);

    [Fact]
    public void LeaseTaker_TakesOwnedButNotHeldLeasesFirst_ThenExpired_ThenFree()
    {
        Lease[] scan = [L("free-0"), L("dead-0", owner: "dead"), L("mine-0", owner: "a"), L("free-1")];

        var decision = Decide(scan, now: Start + Failover);

        Assert.Equal(4, decision.Target);
        Assert.Equal(0, decision.Held);
        Assert.Equal(["mine-0", "dead-0"], decision.Takes.Take(2).Select(l => l.LeaseKey));
        Assert.Equal(["free-0", "free-1"], decision.Takes.Skip(2).Select(l => l.LeaseKey).Order());
    }

    [Fact]
    public void LeaseTaker_JudgesALeaseExpired_OnlyOnceItsCounterHasNotMovedForTheFailoverTime()
    {
        Lease[] scan = [L("s-0", owner: "b", counter: 7)];

        var almost = Decide(scan, now: Start + Failover - TimeSpan.FromTicks(1));
        var expired = Decide(scan, now: Start + Failover);
        var moved = Decide([L("s-0", owner: "b", counter: 8)], observations: SeenSince(scan, Start), now: Start + Failover);

        Assert.Empty(almost.Takes);
        Assert.Equal(["s-0"], expired.Takes.Select(l => l.LeaseKey));
        Assert.Empty(moved.Takes);
        Assert.Equal(new LeaseObservation(8, Start + Failover), moved.Observations["s-0"]);
        Assert.Equal(new LeaseObservation(7, Start), expired.Observations["s-0"]);
    }

    [Fact]
    public void LeaseTaker_ObservesNewLeases_AndForgetsLeasesNoLongerInTheScan()
    {
        var observations = new Dictionary<string, LeaseObservation>(StringComparer.Ordinal) { ["gone"] = new(3, Start) };

        var decision = Decide([L("new", owner: "b", counter: 2)], observations: observations, now: Start + Failover);

        Assert.Equal(["new"], decision.Observations.Keys);
        Assert.Equal(new LeaseObservation(2, Start + Failover), decision.Observations["new"]);
        Assert.Empty(decision.Takes);
    }

    [Fact]
    public void LeaseTaker_TargetsAFairShare_CountingEveryLiveOwner()
    {
        Lease[] scan = [L("s-0", owner: "b"), L("s-1", owner: "c"), L("s-2"), L("s-3"), L("s-4"), L("s-5"), L("s-6")];

        var decision = Decide(scan);

        Assert.Equal(3, decision.Target); // ceil(7 / 3)
        Assert.Equal(5, decision.Takes.Count); // the coordinator stops at the target; the rest are spares for lost races
    }

    [Fact]
    public void LeaseTaker_CountsAWorkerThatAskedForALease_AsLive_UntilTheRequestExpires()
    {
        Lease[] scan = [L("s-0", owner: "b", requestedBy: "c"), L("s-1", owner: "b"), L("s-2", owner: "b"), L("s-3", owner: "b")];

        var fresh = Decide(scan);
        var stale = Decide(scan, observations: SeenSince(scan, Start - Failover));

        Assert.Equal(2, fresh.Target); // a, b and the requester c: ceil(4 / 3)
        Assert.Equal(4, stale.Target); // every row stood still for F: b and c are gone
    }

    [Fact]
    public void LeaseTaker_IgnoresFinishedLeases_InTakesAndInTheTarget()
    {
        Lease[] scan = [L("done-0", finished: true), L("done-1", owner: "b", finished: true), L("s-0", owner: "b"), L("s-1")];

        var decision = Decide(scan);

        Assert.Equal(1, decision.Target); // two unfinished leases over a and b
        Assert.Equal(["s-1"], decision.Takes.Select(l => l.LeaseKey));
    }

    [Fact]
    public void LeaseTaker_CapsTheTarget_AtMaxLeasesForWorker()
    {
        Lease[] scan = [.. Enumerable.Range(0, 10).Select(i => L($"s-{i}"))];

        var decision = Decide(scan, settings: Settings with { MaxLeasesForWorker = 3 });

        Assert.Equal(3, decision.Target);
    }

    [Fact]
    public void LeaseTaker_LeavesALeaseReleasedForAnotherWorker_ToThatWorker_UntilNobodyTookItForTheFailoverTime()
    {
        Lease[] scan = [L("s-0", requestedBy: "c"), L("s-1", requestedBy: "a")];

        var reserved = Decide(scan);
        var abandoned = Decide(scan, now: Start + Failover);

        Assert.Equal(["s-1"], reserved.Takes.Select(l => l.LeaseKey));
        Assert.Equal(["s-0", "s-1"], abandoned.Takes.Select(l => l.LeaseKey).Order());
    }

    [Fact]
    public void LeaseTaker_MarksAHeldLeaseThatNamesAnotherOwner_Lost_AndCountsItAsTheirs()
    {
        Lease[] scan = [L("s-0", owner: "b"), L("s-1", owner: "a")];

        var decision = Decide(scan, held: ["s-0", "s-1"]);

        Assert.Equal(["s-0"], decision.Lost);
        Assert.Equal(1, decision.Held);
        Assert.Equal(1, decision.Target);
        Assert.Empty(decision.Takes);
    }

    [Fact]
    public void LeaseTaker_HandsOverAHeldLeaseAnotherWorkerAskedFor_AndNoLongerCountsIt()
    {
        Lease[] scan = [L("s-0", owner: "a", requestedBy: "b"), L("s-1", owner: "a"), L("s-2", owner: "a", requestedBy: "c")];

        var decision = Decide(scan, held: ["s-0", "s-1", "s-2"], handingOff: ["s-2"]);

        Assert.Equal([new LeaseTakerDecision.Requested("s-0", "b")], decision.AskedOfThisWorker);
        Assert.Equal(1, decision.Held);
        Assert.Empty(decision.HandOffs);
    }

    [Fact]
    public void LeaseTaker_HandsOffHeldLeasesAboveItsTarget()
    {
        Lease[] scan = [L("s-0", owner: "a"), L("s-1", owner: "a"), L("s-2", owner: "a"), L("s-3", owner: "a"), L("s-4", owner: "b")];

        var decision = Decide(scan, held: ["s-0", "s-1", "s-2", "s-3"]);

        Assert.Equal(3, decision.Target);
        Assert.Single(decision.HandOffs);
        Assert.Contains(decision.HandOffs[0], (string[])["s-0", "s-1", "s-2", "s-3"]);
        Assert.Empty(decision.Takes);
    }

    [Fact]
    public void LeaseTaker_AsksTheMostLoadedWorker_AndOnlyWorkersNotAboveTheTargetOnceItIsVisible()
    {
        Lease[] scan =
        [
            .. Enumerable.Range(0, 5).Select(i => L($"b-{i}", owner: "b")),
            .. Enumerable.Range(0, 3).Select(i => L($"c-{i}", owner: "c")),
        ];
        var taker = new LeaseTaker("a", Settings with { MaxLeasesToStealAtOneTime = 3 });
        var decision = taker.Decide(scan, [], [], SeenSince(scan, Start), new Dictionary<string, HandoffRequest>(), Start);

        var asks = taker.ChooseHandoffRequests(decision, held: 0, stealsAttempted: 0);

        // Holding nothing, a asks b (5) to become visible; then b, above the target of 3, will shed by itself, so c is asked.
        Assert.Equal(3, decision.Target);
        Assert.Equal([("b", 5, 0), ("c", 3, 1)], asks.Select(a => (a.Owner, a.OwnerCount, a.OwnCount)));
        Assert.StartsWith("b-", asks[0].Lease.LeaseKey, StringComparison.Ordinal);
    }

    [Fact]
    public void LeaseTaker_AsksForNothing_WhenTheLoadIsWithinOne()
    {
        Lease[] scan = [L("b-0", owner: "b"), L("b-1", owner: "b"), L("a-0", owner: "a")];
        var taker = new LeaseTaker("a", Settings);
        var decision = taker.Decide(scan, ["a-0"], [], SeenSince(scan, Start), new Dictionary<string, HandoffRequest>(), Start);

        Assert.Empty(taker.ChooseHandoffRequests(decision, decision.Held, 0));
    }

    [Fact]
    public void LeaseTaker_AsksForAtMostMaxLeasesToStealAtOneTime_CountingSteals()
    {
        Lease[] scan = [.. Enumerable.Range(0, 9).Select(i => L($"b-{i}", owner: "b", requestedBy: i < 3 ? "a" : null))];
        var requests = new Dictionary<string, HandoffRequest>(StringComparer.Ordinal)
        {
            ["b-0"] = new("b", Start - Settings.HandoffRequestTimeout),
            ["b-1"] = new("b", Start - Settings.HandoffRequestTimeout + TimeSpan.FromTicks(1)),
            ["b-2"] = new("b", Start - Settings.HandoffRequestTimeout),
        };
        var taker = new LeaseTaker("a", Settings with { MaxLeasesToStealAtOneTime = 2 });

        var decision = taker.Decide(scan, [], [], SeenSince(scan, Start), requests, Start);

        // b-1 was asked for less than the timeout ago: still waiting. The others are due, in the order they were asked.
        Assert.Equal(["b-0", "b-2"], decision.Steals.Select(s => s.Lease.LeaseKey));
        Assert.All(decision.Steals, s => Assert.Equal(("b", 9), (s.Owner, s.OwnerCount)));
        // Two steals tried (even both refused) use up the cycle's moves: nothing more is asked for.
        Assert.Empty(taker.ChooseHandoffRequests(decision, held: 0, stealsAttempted: 2));
    }

    [Fact]
    public void LeaseTaker_AsksForAtMostMaxLeasesToStealAtOneTime()
    {
        Lease[] scan =
        [
            .. Enumerable.Range(0, 5).Select(i => L($"b-{i}", owner: "b")),
            .. Enumerable.Range(0, 3).Select(i => L($"c-{i}", owner: "c")),
        ];
        var taker = new LeaseTaker("a", Settings);
        var decision = taker.Decide(scan, [], [], SeenSince(scan, Start), new Dictionary<string, HandoffRequest>(), Start);

        Assert.Equal(["b"], taker.ChooseHandoffRequests(decision, held: 0, stealsAttempted: 0).Select(a => a.Owner));
    }

    [Fact]
    public void LeaseTaker_ForgetsRequestsThatWereAnswered()
    {
        Lease[] scan = [L("released"), L("taken", owner: "c"), L("mine", owner: "a"), L("open", owner: "b", requestedBy: "a")];
        var requests = new Dictionary<string, HandoffRequest>(StringComparer.Ordinal)
        {
            ["released"] = new("b", Start),
            ["taken"] = new("b", Start),
            ["mine"] = new("b", Start),
            ["deleted"] = new("b", Start),
            ["open"] = new("b", Start),
        };

        var decision = Decide(scan, held: ["mine"], requests: requests);

        Assert.Equal(["released", "taken", "mine", "deleted"], decision.AnsweredRequests);
        Assert.Empty(decision.Steals);
    }
}
