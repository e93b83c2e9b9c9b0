using KinesisAttrib.Common;

namespace KinesisAttrib.Tests.Common;

public sealed class BackoffTests
{
    private static readonly double[] Draws = [0, 0.001, 0.3, 0.5, 0.999_999];

    [Fact]
    public void Ceiling_DoublesFromTheBase_UpToTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), jitter: 0);

        Assert.Equal(
            [100, 200, 400, 800, 1000, 1000],
            Enumerable.Range(1, 6).Select(attempt => backoff.Ceiling(attempt).TotalMilliseconds));
    }

    [Fact]
    public void Ceiling_NeverOverflows_AndTreatsAttemptsBelowOneAsTheFirst()
    {
        var backoff = new Backoff(TimeSpan.FromDays(1), TimeSpan.FromDays(49), jitter: 0);

        Assert.Equal(TimeSpan.FromDays(49), backoff.Ceiling(int.MaxValue));
        Assert.Equal(TimeSpan.FromDays(1), backoff.Ceiling(0));
        Assert.Equal(TimeSpan.FromDays(1), backoff.Ceiling(-5));
    }

    [Fact]
    public void ACapBelowTheBase_IsTheCeilingFromTheStart()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), jitter: 0);

        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Ceiling(1));
    }

    [Fact]
    public void Delay_TakesOffAtMostTheJitterFraction()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 0.25);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), backoff.Delay(2, new FixedRandom(0)));
        Assert.Equal(TimeSpan.FromMilliseconds(1750), backoff.Delay(2, new FixedRandom(0.5)));
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(backoff.Delay(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
        }
    }

    [Fact]
    public void FullJitter_StartsAtZero_AndNoJitterIsTheCeiling()
    {
        var full = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 1);
        var none = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 0);

        Assert.Equal(TimeSpan.Zero, full.Delay(4, new FixedRandom(0)));
        Assert.Equal(TimeSpan.FromSeconds(2), full.Delay(4, new FixedRandom(0.25)));
        Assert.Equal(TimeSpan.FromSeconds(8), none.Delay(4, new FixedRandom(0.7)));
    }

    [Fact]
    public void Delay_IsJitteredByDefault()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 1);

        Assert.True(Enumerable.Range(0, 50).Select(_ => backoff.Delay(3)).Distinct().Count() > 40);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void AJitterOutsideZeroToOne_IsRefused(double jitter) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), jitter));

    [Fact]
    public void ANegativeBaseOrCap_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1), 0));
    }

    // The four back-offs the helper replaced, as they were written, pinned draw by draw (to a tick of rounding).

    [Fact]
    public void Reproduces_TheKinesisClientsFullJitter()
    {
        foreach (var (baseMs, capMs) in new[] { (100.0, 5000.0), (500.0, 5000.0), (1.0, 4.2e9) })
        {
            var backoff = new Backoff(TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(capMs), jitter: 1);
            AssertSame(backoff, (attempt, u) => TimeSpan.FromMilliseconds(u * Math.Min(capMs, baseMs * Math.Pow(2, Math.Min(attempt - 1, 30)))));
        }
    }

    [Fact]
    public void Reproduces_TheFetchersThrottleBackoff()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), jitter: 0.25);
        AssertSame(backoff, (n, u) => TimeSpan.FromMilliseconds(Math.Min(5000, 500 * Math.Pow(2, Math.Min(n - 1, 20))) * (0.75 + (0.25 * u))));
    }

    [Fact]
    public void Reproduces_TheShardConsumersReadBackoff()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(30), jitter: 0.5);
        AssertSame(backoff, (failures, u) => TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 10))) * (0.5 + (u / 2))));
    }

    [Fact]
    public void Reproduces_TheHandlersRetryDelay_WithTheDrawMirrored()
    {
        // The handler took (1 − u/5) of the ceiling; the helper takes (0.8 + u/5): the same spread, drawn the other way.
        foreach (var (retry, max) in new[] { (TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)), (TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)) })
        {
            var backoff = new Backoff(retry, max, jitter: 0.2);
            AssertSame(backoff, (failures, u) =>
            {
                var ticks = Math.Min(max.Ticks, retry.Ticks * Math.Pow(2, Math.Min(failures - 1, 30)));
                return TimeSpan.FromTicks((long)(ticks * (1 - ((1 - u) / 5))));
            });
        }
    }

    private static void AssertSame(Backoff backoff, Func<int, double, TimeSpan> legacy)
    {
        foreach (var draw in Draws)
        {
            for (var attempt = 1; attempt <= 40; attempt++)
            {
                var expected = legacy(attempt, draw);
                var actual = backoff.Delay(attempt, new FixedRandom(draw));
                Assert.True(Math.Abs((expected - actual).Ticks) <= 1, $"attempt {attempt}, draw {draw}: {actual} instead of {expected}");
            }
        }
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
