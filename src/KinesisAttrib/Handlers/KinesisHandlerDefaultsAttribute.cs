namespace KinesisAttrib.Handlers;

/// <summary>
/// Defaults for every <see cref="KinesisHandlerAttribute"/> of the assembly; a property set on a handler's attribute
/// wins over the same property set here.
/// </summary>
/// <example>
/// <code>
/// [assembly: KinesisHandlerDefaults(ApplicationName = "billing", JsonSerializerContext = typeof(AppJsonContext))]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class KinesisHandlerDefaultsAttribute : Attribute
{
    /// <summary>See <see cref="KinesisHandlerAttribute.ApplicationName"/>.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.InitialPosition"/>.</summary>
    public InitialPosition InitialPosition { get; set; } = InitialPosition.TrimHorizon;

    /// <summary>See <see cref="KinesisHandlerAttribute.InitialTimestamp"/>.</summary>
    public string? InitialTimestamp { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.CheckpointMode"/>.</summary>
    public CheckpointMode CheckpointMode { get; set; } = CheckpointMode.AfterEachBatch;

    /// <summary>See <see cref="KinesisHandlerAttribute.CheckpointEveryRecords"/>.</summary>
    public int CheckpointEveryRecords { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.CheckpointIntervalSeconds"/>.</summary>
    public int CheckpointIntervalSeconds { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.MaxRecords"/>.</summary>
    public int MaxRecords { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.IdleTimeBetweenReadsMilliseconds"/>.</summary>
    public int IdleTimeBetweenReadsMilliseconds { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.JsonSerializerContext"/>.</summary>
    public Type? JsonSerializerContext { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.DeserializationFailurePolicy"/>.</summary>
    public DeserializationFailurePolicy DeserializationFailurePolicy { get; set; } = DeserializationFailurePolicy.StopShard;

    /// <summary>See <see cref="KinesisHandlerAttribute.MaxRetryAttempts"/>.</summary>
    public int MaxRetryAttempts { get; set; } = -1;

    /// <summary>See <see cref="KinesisHandlerAttribute.BisectBatchOnError"/>.</summary>
    public bool BisectBatchOnError { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.MaxRecordAgeSeconds"/>.</summary>
    public int MaxRecordAgeSeconds { get; set; }

    /// <summary>See <see cref="KinesisHandlerAttribute.RetryDelayMilliseconds"/>.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>See <see cref="KinesisHandlerAttribute.MaxRetryDelayMilliseconds"/>.</summary>
    public int MaxRetryDelayMilliseconds { get; set; } = 30_000;

    /// <summary>See <see cref="KinesisHandlerAttribute.FailureDestination"/>.</summary>
    public string? FailureDestination { get; set; }
}
