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

    /// <summary>Overrides <see cref="KinesisAttribOptions.RetrievalMode"/> and the handler's <c>RetrievalMode</c>.</summary>
    public Handlers.RetrievalMode? RetrievalMode { get; set; }

    /// <summary>Fan-out: the registered consumer's name. Default <see cref="KinesisAttribOptions.FanOutConsumerName"/>, else the application's name.</summary>
    public string? FanOutConsumerName { get; set; }

    /// <summary>
    /// Fan-out: the ARN of a consumer registered beforehand (by infrastructure code, say), used as it is: nothing is
    /// registered. It must be a consumer of the stream the application reads.
    /// </summary>
    public string? FanOutConsumerArn { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.MaxReadAheadBatches"/> (0 turns read-ahead off).</summary>
    public int? MaxReadAheadBatches { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.FailoverTime"/>.</summary>
    public TimeSpan? FailoverTime { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.ShardSyncInterval"/>.</summary>
    public TimeSpan? ShardSyncInterval { get; set; }

    /// <summary>Overrides <see cref="KinesisAttribOptions.ProcessingRetryDelay"/>.</summary>
    public TimeSpan? ProcessingRetryDelay { get; set; }

    /// <summary>Overrides the handlers' <c>MaxRetryAttempts</c> (-1: no limit).</summary>
    public int? MaxRetryAttempts { get; set; }

    /// <summary>Overrides the handlers' <c>BisectBatchOnError</c>.</summary>
    public bool? BisectBatchOnError { get; set; }

    /// <summary>Overrides the handlers' <c>MaxRecordAgeSeconds</c> (zero: no limit).</summary>
    public TimeSpan? MaxRecordAge { get; set; }

    /// <summary>Overrides the handlers' <c>RetryDelayMilliseconds</c>.</summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>Overrides the handlers' <c>MaxRetryDelayMilliseconds</c>.</summary>
    public TimeSpan? MaxRetryDelay { get; set; }

    /// <summary>Overrides the handlers' <c>FailureDestination</c> (the DI key of an <see cref="Handlers.IFailedRecordDestination"/>).</summary>
    public string? FailureDestination { get; set; }
}
