using Amazon.Runtime;

namespace KinesisAttrib.Kinesis;

/// <summary>Settings of <see cref="KinesisHttpClient"/>.</summary>
public sealed class KinesisClientOptions
{
    /// <summary>
    /// The endpoint, e.g. <c>http://127.0.0.1:4567</c> for a local emulator or a VPC endpoint; null for
    /// <c>AWS_ENDPOINT_URL_KINESIS</c>, then <c>AWS_ENDPOINT_URL</c>, then <c>https://kinesis.{region}.amazonaws.com</c>.
    /// Plain HTTP is only ever used when an endpoint is configured this way.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// The region to sign for (and to build the default endpoint from); null for <c>AWS_REGION</c>,
    /// <c>AWS_DEFAULT_REGION</c>, then the region of the AWS profile (<c>AWS_PROFILE</c> or <c>default</c>).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// The credentials to sign with; null to use AWSSDK.Core's default credential chain, resolved on the first call.
    /// They are asked for on every request, so refreshing credentials (roles, SSO) are renewed before they expire.
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>How long one attempt of a call may take before it is abandoned as a retryable failure (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a call is attempted in all when it fails with a retryable error (default 3; 1 disables retries).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The most time one call may take across all its attempts and back-offs (default 60 s): no attempt starts, and
    /// none runs, past it. Infinite to bound a call by <see cref="MaxAttempts"/> × <see cref="Timeout"/> only.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The back-off before the second attempt is a random delay up to this (default 100 ms; five times it after
    /// throttling), doubling with each attempt, capped at <see cref="MaxRetryDelay"/>.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off between two attempts (default 5 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for signing, timeouts and back-off; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        static void Require(bool ok, string name, object value, string range)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(nameof(KinesisClientOptions), value, $"KinesisClientOptions.{name} = {value} is out of range: {range}.");
            }
        }

        var infinite = System.Threading.Timeout.InfiniteTimeSpan;

        // Timers and Task.Delay take at most 2^32 − 2 ms (about 49 days); longer values would fail every call.
        var longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
        Require((Timeout > TimeSpan.Zero && Timeout <= longest) || Timeout == infinite, nameof(Timeout), Timeout, "positive (at most 49 days) or infinite");
        Require(MaxAttempts >= 1, nameof(MaxAttempts), MaxAttempts, "at least 1");
        Require((RetryBudget > TimeSpan.Zero && RetryBudget <= longest) || RetryBudget == infinite, nameof(RetryBudget), RetryBudget, "positive (at most 49 days) or infinite");
        Require(RetryBaseDelay >= TimeSpan.Zero, nameof(RetryBaseDelay), RetryBaseDelay, "zero or more");
        Require(MaxRetryDelay >= RetryBaseDelay && MaxRetryDelay <= longest, nameof(MaxRetryDelay), MaxRetryDelay, "at least RetryBaseDelay, at most 49 days");
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
