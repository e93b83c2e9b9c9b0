namespace KinesisAttrib.Common;

/// <summary>
/// Exponential back-off with a cap and jitter, the one formula every retry in the runtime uses: before attempt
/// <c>n</c> (counted from 1) the ceiling is the base delay × 2^(n−1), at most the cap, and the delay is that ceiling
/// less a random part of up to the jitter fraction of it (1 is "full jitter", anything from zero up; 0 is no jitter).
/// </summary>
/// <remarks>
/// Jitter keeps workers that failed together (every shard throttled at once, a table briefly unreachable) from
/// retrying in step. The doubling stops after 30 steps, far past any cap in use, so the ceiling cannot overflow.
/// </remarks>
/// <param name="baseDelay">The ceiling before the first retry.</param>
/// <param name="cap">The largest ceiling; may be below <paramref name="baseDelay"/>, which then never grows.</param>
/// <param name="jitter">The largest part of the ceiling taken off at random, from 0 to 1.</param>
internal readonly struct Backoff(TimeSpan baseDelay, TimeSpan cap, double jitter)
{
    private const int MaxDoublings = 30;

    private readonly long _baseTicks = NonNegative(baseDelay, nameof(baseDelay)).Ticks;
    private readonly long _capTicks = NonNegative(cap, nameof(cap)).Ticks;
    private readonly double _jitter = jitter is >= 0 and <= 1
        ? jitter
        : throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is a fraction of the delay, from 0 to 1.");

    /// <summary>The longest delay before attempt <paramref name="attempt"/> (1 for the first retry).</summary>
    public TimeSpan Ceiling(int attempt) => TimeSpan.FromTicks((long)CeilingTicks(attempt));

    /// <summary>
    /// A delay before attempt <paramref name="attempt"/>: between (1 − jitter) × the ceiling and the ceiling.
    /// <paramref name="random"/> is for tests; <see cref="Random.Shared"/> otherwise.
    /// </summary>
    public TimeSpan Delay(int attempt, Random? random = null)
    {
#pragma warning disable CA5394 // Jitter, not security.
        var draw = (random ?? Random.Shared).NextDouble();
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(CeilingTicks(attempt) * (1 - _jitter + (_jitter * draw))));
    }

    private static TimeSpan NonNegative(TimeSpan value, string name) =>
        value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "A back-off delay cannot be negative.");

    private double CeilingTicks(int attempt) =>
        Math.Min(_capTicks, _baseTicks * Math.Pow(2, Math.Clamp(attempt - 1, 0, MaxDoublings)));
}
