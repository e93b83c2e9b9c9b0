namespace KinesisAttrib.Common;

/// <summary>
/// Exponential back-off with a cap and jitter, the one formula every retry in the runtime uses: before attempt
/// <c>n</c> (counted from 1) the ceiling is <see cref="Base"/> × 2^(n−1), at most <see cref="Cap"/>, and the delay is
/// that ceiling less a random part of up to <see cref="Jitter"/> of it (1 is "full jitter", anything from zero up;
/// 0 is no jitter).
/// </summary>
/// <remarks>
/// Jitter keeps workers that failed together (every shard throttled at once, a table briefly unreachable) from
/// retrying in step. The doubling stops after 30 steps, far past any cap in use, so the ceiling cannot overflow.
/// </remarks>
internal readonly struct Backoff
{
    private const int MaxDoublings = 30;

    /// <summary>Creates the back-off.</summary>
    /// <param name="baseDelay">The ceiling before the first retry.</param>
    /// <param name="cap">The largest ceiling; may be below <paramref name="baseDelay"/>, which then never grows.</param>
    /// <param name="jitter">The largest part of the ceiling taken off at random, from 0 to 1.</param>
    public Backoff(TimeSpan baseDelay, TimeSpan cap, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, TimeSpan.Zero);
        if (jitter is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is a fraction of the delay, from 0 to 1.");
        }

        Base = baseDelay;
        Cap = cap;
        Jitter = jitter;
    }

    /// <summary>The ceiling before the first retry.</summary>
    public TimeSpan Base { get; }

    /// <summary>The largest ceiling.</summary>
    public TimeSpan Cap { get; }

    /// <summary>The largest part of the ceiling taken off at random (0 to 1).</summary>
    public double Jitter { get; }

    /// <summary>The longest delay before attempt <paramref name="attempt"/> (1 for the first retry).</summary>
    public TimeSpan Ceiling(int attempt) => TimeSpan.FromTicks((long)CeilingTicks(attempt));

    /// <summary>
    /// A delay before attempt <paramref name="attempt"/>: between (1 − <see cref="Jitter"/>) × the ceiling and the
    /// ceiling. <paramref name="random"/> is for tests; <see cref="Random.Shared"/> otherwise.
    /// </summary>
    public TimeSpan Delay(int attempt, Random? random = null)
    {
#pragma warning disable CA5394 // Jitter, not security.
        var draw = (random ?? Random.Shared).NextDouble();
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(CeilingTicks(attempt) * (1 - Jitter + (Jitter * draw))));
    }

    private double CeilingTicks(int attempt) =>
        Math.Min(Cap.Ticks, Base.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, MaxDoublings)));
}
