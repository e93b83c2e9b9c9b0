namespace KinesisAttrib.Hosting;

/// <summary>Thresholds of the checks <see cref="KinesisAttribHealthChecksBuilderExtensions.AddKinesisAttribHealthChecks"/> adds.</summary>
public sealed class KinesisAttribHealthCheckOptions
{
    /// <summary>
    /// How long the lease table or the stream may keep failing (time since its last answer, once a request failed
    /// after it) before readiness is lost. Null (the default): each scheduler's failover time.
    /// </summary>
    public TimeSpan? UnreachableAfter { get; set; }

    /// <summary>A shard held up by one failing record for longer than this makes readiness Degraded. Default 1 minute.</summary>
    public TimeSpan MaxBlockedTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A shard further behind its tip than this (MillisBehindLatest) makes readiness Degraded. Default 5 minutes.</summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromMinutes(5);
}
