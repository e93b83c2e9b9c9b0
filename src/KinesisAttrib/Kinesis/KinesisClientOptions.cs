using Amazon.Runtime;

namespace KinesisAttrib.Kinesis;

/// <summary>Settings of <see cref="KinesisHttpClient"/>.</summary>
public sealed class KinesisClientOptions
{
    /// <summary>
    /// The endpoint, e.g. <c>http://127.0.0.1:4567</c> for a local emulator or a VPC endpoint; null for
    /// <c>https://kinesis.{region}.amazonaws.com</c>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// The region to sign for (and to build the default endpoint from); null to use AWSSDK.Core's region chain
    /// (<c>AWS_REGION</c>, the AWS profile, instance metadata).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>The credentials to sign with; null to use AWSSDK.Core's default credential chain, resolved on the first call.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>How long one attempt of a call may take before it is abandoned as a retryable failure (default 30 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a call is attempted in all when it fails with a retryable error (default 3; 1 disables retries).</summary>
    public int MaxAttempts { get; set; } = 3;
}
