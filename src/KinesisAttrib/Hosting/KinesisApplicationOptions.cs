namespace KinesisAttrib.Hosting;

/// <summary>
/// Settings of one application (consumer) that override <see cref="KinesisAttribOptions"/> and the handler's
/// attribute, e.g. from configuration section <c>KinesisAttrib:Applications:billing</c>. Null means "not overridden".
/// </summary>
public sealed class KinesisApplicationOptions
{
    /// <summary>The lease table. Default: the application name, or <c>{application}-{stream}</c> for an application that consumes several streams.</summary>
    public string? LeaseTableName { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.MaxRecords"/> and the handler's <c>MaxRecords</c>.</summary>
    public int? MaxRecords { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.IdleTimeBetweenReads"/> and the handler's <c>IdleTimeBetweenReadsMilliseconds</c>.</summary>
    public TimeSpan? IdleTimeBetweenReads { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.FailoverTime"/>.</summary>
    public TimeSpan? FailoverTime { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.ShardSyncInterval"/>.</summary>
    public TimeSpan? ShardSyncInterval { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.ProcessingRetryDelay"/>.</summary>
    public TimeSpan? ProcessingRetryDelay { get; set; }
}
