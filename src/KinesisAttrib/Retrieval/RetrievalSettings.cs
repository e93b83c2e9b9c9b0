using KinesisAttrib.Handlers;

namespace KinesisAttrib.Retrieval;

/// <summary>How one scheduler's shards are read: the mode and its limits (filled from the options by Hosting).</summary>
internal sealed record RetrievalSettings
{
    /// <summary>Polling or enhanced fan-out.</summary>
    public RetrievalMode Mode { get; init; } = RetrievalMode.Polling;

    /// <summary>Records per GetRecords call (polling, and the GetRecords that confirms a fan-out shard's end).</summary>
    public int MaxRecords { get; init; } = 10_000;

    /// <summary>The wait after a GetRecords that found nothing new (polling).</summary>
    public TimeSpan IdleTimeBetweenReads { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How much a polled shard may read ahead of its handler.</summary>
    public ReadAheadLimits ReadAhead { get; init; } = ReadAheadLimits.Default;

    /// <summary>The registered consumer's name (fan-out); null for the application's name.</summary>
    public string? ConsumerName { get; init; }

    /// <summary>A registered consumer's ARN to use as it is (fan-out); no registration then.</summary>
    public string? ConsumerArn { get; init; }

    /// <summary>A subscription that sends nothing for this long is cancelled and opened again (fan-out).</summary>
    public TimeSpan SubscriptionSilenceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a subscription may send only empty events before the shard list is asked whether its shard closed (for
    /// servers that never send a closed shard's last event).
    /// </summary>
    public TimeSpan QuietBeforeClosedCheck { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long start-up waits for a registered consumer to turn ACTIVE.</summary>
    public TimeSpan ConsumerActivationTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// How far a polled shard reads ahead of its handler: at most this many batches, user records and bytes (data plus
/// partition key) wait per shard. <see cref="MaxBatches"/> zero reads only when the handler asks (no read-ahead).
/// </summary>
/// <param name="MaxBatches">Fetched batches waiting per shard (KCL <c>maxPendingProcessRecordsInput</c>, 3).</param>
/// <param name="MaxRecords">User records waiting per shard (KCL <c>maxRecordsCount</c>, 30,000).</param>
/// <param name="MaxBytes">Bytes waiting per shard (KCL <c>maxByteSize</c>, 8 MiB).</param>
internal sealed record ReadAheadLimits(int MaxBatches, int MaxRecords, long MaxBytes)
{
    /// <summary>The KCL's defaults.</summary>
    public static readonly ReadAheadLimits Default = new(3, 30_000, 8L * 1024 * 1024);

    /// <summary>No read-ahead.</summary>
    public static readonly ReadAheadLimits Off = new(0, 0, 0);

    public bool Enabled => MaxBatches > 0;
}
