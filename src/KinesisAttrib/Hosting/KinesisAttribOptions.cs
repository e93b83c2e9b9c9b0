using Amazon.Runtime;
using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Shards;

namespace KinesisAttrib.Hosting;

/// <summary>Settings of the KinesisAttrib runtime. Defaults follow the Java KCL where it has one.</summary>
public sealed class KinesisAttribOptions
{
    /// <summary>Application name for handlers that do not name one. Also the default lease table name.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>
    /// Maps a stream name written in <c>[KinesisHandler("name")]</c> to the stream actually consumed, e.g. a
    /// per-environment name from configuration. Names not in the map are used as written.
    /// </summary>
    public IDictionary<string, string> StreamNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>This worker's id, stored as lease owner. Default: host name plus a random suffix.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(Environment.MachineName.Length + 9, 64)];

    /// <summary>AWS region for Kinesis and DynamoDB; null for AWS's default chain (environment, profile).</summary>
    public string? Region { get; set; }

    /// <summary>Kinesis endpoint, e.g. <c>http://127.0.0.1:4567</c> for an emulator; null for AWS's endpoint of the region.</summary>
    public Uri? KinesisEndpoint { get; set; }

    /// <summary>DynamoDB endpoint; null for AWS's endpoint of the region.</summary>
    public Uri? DynamoDbEndpoint { get; set; }

    /// <summary>Credentials; null for AWS's default credential chain.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>A lease whose counter has not moved for this long (on this worker's clock) is expired. KCL default 10 s.</summary>
    public TimeSpan FailoverTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a held lease may go without a write before it is renewed. Default: four fifths of
    /// <see cref="FailoverTime"/> (8 s; the KCL renews every third); a failed renewal is retried every sixteenth of the
    /// failover time, and a checkpoint counts as a renewal. See docs/design/leases.md for why this is safe.
    /// </summary>
    public TimeSpan? LeaseRenewalInterval { get; set; }

    /// <summary>How often the lease table is scanned for leases to take. Default: <see cref="FailoverTime"/>.</summary>
    public TimeSpan? LeaseTakerInterval { get; set; }

    /// <summary>How often shards are listed to find new ones. KCL default 60 s.</summary>
    public TimeSpan ShardSyncInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a shard consumer waits after an empty GetRecords. KCL default 1.5 s; 1 s here.</summary>
    public TimeSpan IdleTimeBetweenReads { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Records per GetRecords call (1–10,000). KCL default 10,000.</summary>
    public int MaxRecords { get; set; } = 10_000;

    /// <summary>
    /// How shards are read: <see cref="RetrievalMode.Polling"/> (GetRecords, read ahead; the default) or
    /// <see cref="RetrievalMode.FanOut"/> (enhanced fan-out: a registered consumer with its own 2 MiB/s per shard, pushed
    /// over HTTP/2). The KCL 2.x defaults to fan-out; here polling is, because fan-out is billed per consumer-shard hour
    /// and needs the right to register consumers. Per application: <see cref="KinesisApplicationOptions.RetrievalMode"/>
    /// or the handler's <c>RetrievalMode</c>.
    /// </summary>
    public RetrievalMode RetrievalMode { get; set; } = RetrievalMode.Polling;

    /// <summary>
    /// Polling: how many fetched batches may wait per shard while its handler works (0 to 100; zero turns read-ahead
    /// off: the next GetRecords starts when the handler is done). KCL <c>maxPendingProcessRecordsInput</c>, default 3.
    /// </summary>
    public int MaxReadAheadBatches { get; set; } = ReadAheadLimits.Default.MaxBatches;

    /// <summary>Polling: how many user records may wait per shard (KCL <c>maxRecordsCount</c>, default 30,000).</summary>
    public int MaxReadAheadRecords { get; set; } = ReadAheadLimits.Default.MaxRecords;

    /// <summary>Polling: how many bytes (data and partition keys) may wait per shard (KCL <c>maxByteSize</c>, default 8 MiB).</summary>
    public long MaxReadAheadBytes { get; set; } = ReadAheadLimits.Default.MaxBytes;

    /// <summary>
    /// Polling: how many bytes all shards of this worker may hold waiting together (default 256 MiB). A shard whose
    /// handler waits for its next batch still reads one, so the worker may exceed this by one batch per shard.
    /// </summary>
    public long MaxReadAheadBytesPerWorker { get; set; } = PollingRecordsPublisherFactory.ReadAheadBudgetDefaultBytes;

    /// <summary>
    /// Fan-out: a subscription that sends nothing for this long is cancelled and opened again (Kinesis sends an event
    /// every few seconds even without records). Default 30 s.
    /// </summary>
    public TimeSpan FanOutSubscriptionSilenceTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fan-out: how long start-up waits for the registered consumer to turn ACTIVE. Default 2 minutes.</summary>
    public TimeSpan FanOutConsumerActivationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Fan-out: the registered consumer's name, for every application that does not name its own
    /// (<see cref="KinesisApplicationOptions.FanOutConsumerName"/>). Default: the application's name.
    /// </summary>
    public string? FanOutConsumerName { get; set; }

    /// <summary>How long a processor that failed waits before its records are delivered again.</summary>
    public TimeSpan ProcessingRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On host stop, how long shard consumers may take to finish the batch in hand and checkpoint.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most leases (shards of one stream) this worker holds at once (1 or more). KCL <c>maxLeasesForWorker</c>;
    /// default unlimited (<see cref="int.MaxValue"/>). Shards beyond what all workers together may hold stay unprocessed.
    /// </summary>
    public int MaxLeasesForWorker { get; set; } = int.MaxValue;

    /// <summary>
    /// The most leases this worker asks overloaded workers for per taker cycle (1 to 100); each is handed over after
    /// its owner checkpointed, and stolen only when the owner has not answered within
    /// <c>2 × LeaseTakerInterval + FailoverTime</c>. KCL <c>maxLeasesToStealAtOneTime</c> (where every move is a steal);
    /// default 1. A higher value rebalances faster.
    /// </summary>
    public int MaxLeasesToStealAtOneTime { get; set; } = 1;

    /// <summary>
    /// How long the lease of a finished (SHARD_END) shard is kept after all its children have started, before it is
    /// deleted. Default 1 hour; zero deletes at the next cleanup.
    /// </summary>
    public TimeSpan CompletedLeaseRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often finished leases are considered for deletion. Default 5 minutes (KCL <c>completedLeaseCleanupInterval</c>).</summary>
    public TimeSpan LeaseCleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the per-shard instruments of the <c>KinesisAttrib</c> meter (records consumed, process duration, lag,
    /// record age, time blocked, failure policy) carry the shard id (<c>messaging.destination.partition.id</c>). Default
    /// true. Turn it off on streams with many shards to keep one series per application and worker instead of one per
    /// shard; the gauges then report the worst shard. See docs/observability.md.
    /// </summary>
    public bool MetricsIncludeShardId { get; set; } = true;

    /// <summary>
    /// How long one Kinesis HTTP attempt may take before it is abandoned and retried, so a hung call never hangs a
    /// shard. Default 30 s.
    /// </summary>
    public TimeSpan KinesisRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts per Kinesis call (1 to 10) for throttling, 5xx and transport failures, with jittered exponential
    /// back-off; errors that cannot succeed (validation, access denied, not found) are never retried. Default 3.
    /// </summary>
    public int KinesisMaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long a consumer keeps retrying transient failures at start (a connection refused, a 5xx, throttling, a
    /// timeout of Kinesis or the lease table) before it gives up and fails the host. Permanent failures (a missing
    /// stream, access denied, a validation error) fail at once. Zero gives up at the first failure. Default 1 minute.
    /// </summary>
    public TimeSpan StartupRetryTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When a consumer stops on an unrecoverable error (a missing stream, access denied, an unreachable lease table,
    /// a lease table of another stream), the host is stopped and <c>IHost.RunAsync</c>/<c>StopAsync</c> throw that
    /// error, so the process exits with a non-zero code. False keeps the host's exit successful: the error is only
    /// logged and kept in <see cref="KinesisAttribRuntime.Failure"/>. Default true.
    /// </summary>
    public bool FailHostOnFatalError { get; set; } = true;

    /// <summary>
    /// Per-application overrides, keyed by application name (ordinal), e.g. from configuration section
    /// <c>KinesisAttrib:Applications:{name}</c>. They win over the handler's attribute, which wins over these options.
    /// </summary>
    public IDictionary<string, KinesisApplicationOptions> Applications { get; } = new Dictionary<string, KinesisApplicationOptions>(StringComparer.Ordinal);

    /// <summary>
    /// Fan-out: the ARN of a consumer registered beforehand, used as it is (never registered). Set per scheduler by the
    /// host from <see cref="KinesisApplicationOptions.FanOutConsumerArn"/>; an ARN names one stream.
    /// </summary>
    internal string? FanOutConsumerArn { get; set; }

    internal TimeSpan EffectiveRenewalInterval => LeaseRenewalInterval ?? FailoverTime * 4 / 5;

    internal TimeSpan EffectiveTakerInterval => LeaseTakerInterval ?? FailoverTime;

    /// <summary>
    /// A copy of every setting (the dictionaries are copied too), for the per-scheduler options the host derives
    /// with per-handler and per-application overrides. A new option must be added here.
    /// </summary>
    public KinesisAttribOptions Clone()
    {
        var copy = new KinesisAttribOptions
        {
            ApplicationName = ApplicationName,
            WorkerId = WorkerId,
            Region = Region,
            KinesisEndpoint = KinesisEndpoint,
            DynamoDbEndpoint = DynamoDbEndpoint,
            Credentials = Credentials,
            FailoverTime = FailoverTime,
            LeaseRenewalInterval = LeaseRenewalInterval,
            LeaseTakerInterval = LeaseTakerInterval,
            ShardSyncInterval = ShardSyncInterval,
            IdleTimeBetweenReads = IdleTimeBetweenReads,
            MaxRecords = MaxRecords,
            RetrievalMode = RetrievalMode,
            MaxReadAheadBatches = MaxReadAheadBatches,
            MaxReadAheadRecords = MaxReadAheadRecords,
            MaxReadAheadBytes = MaxReadAheadBytes,
            MaxReadAheadBytesPerWorker = MaxReadAheadBytesPerWorker,
            FanOutSubscriptionSilenceTimeout = FanOutSubscriptionSilenceTimeout,
            FanOutConsumerActivationTimeout = FanOutConsumerActivationTimeout,
            FanOutConsumerName = FanOutConsumerName,
            FanOutConsumerArn = FanOutConsumerArn,
            ProcessingRetryDelay = ProcessingRetryDelay,
            ShutdownTimeout = ShutdownTimeout,
            MaxLeasesForWorker = MaxLeasesForWorker,
            MaxLeasesToStealAtOneTime = MaxLeasesToStealAtOneTime,
            CompletedLeaseRetention = CompletedLeaseRetention,
            LeaseCleanupInterval = LeaseCleanupInterval,
            MetricsIncludeShardId = MetricsIncludeShardId,
            KinesisRequestTimeout = KinesisRequestTimeout,
            KinesisMaxAttempts = KinesisMaxAttempts,
            StartupRetryTime = StartupRetryTime,
            FailHostOnFatalError = FailHostOnFatalError,
        };
        foreach (var (name, stream) in StreamNames)
        {
            copy.StreamNames[name] = stream;
        }

        foreach (var (name, application) in Applications)
        {
            copy.Applications[name] = application;
        }

        return copy;
    }

    /// <summary>
    /// These options validated and mapped onto what a <see cref="Scheduler"/> runs with (its lease settings and its
    /// shard consumers' settings): the one place the lower folders' setting types are filled from options.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    public SchedulerOptions ToSchedulerOptions()
    {
        Validate();
        return new SchedulerOptions(
            WorkerId,
            new LeaseSettings(FailoverTime, EffectiveRenewalInterval, MaxLeasesForWorker, MaxLeasesToStealAtOneTime, EffectiveTakerInterval),
            new ShardConsumerOptions(ToRetrievalSettings(), ProcessingRetryDelay),
            ShardSyncInterval,
            LeaseCleanupInterval,
            CompletedLeaseRetention)
        {
            StartupRetryTime = StartupRetryTime,
            MetricsIncludeShardId = MetricsIncludeShardId,
        };
    }

    private RetrievalSettings ToRetrievalSettings() => new()
    {
        Mode = RetrievalMode,
        MaxRecords = MaxRecords,
        IdleTimeBetweenReads = IdleTimeBetweenReads,
        ReadAhead = MaxReadAheadBatches == 0 ? ReadAheadLimits.Off : new ReadAheadLimits(MaxReadAheadBatches, MaxReadAheadRecords, MaxReadAheadBytes),
        ConsumerName = FanOutConsumerName,
        ConsumerArn = FanOutConsumerArn,
        SubscriptionSilenceTimeout = FanOutSubscriptionSilenceTimeout,
        ConsumerActivationTimeout = FanOutConsumerActivationTimeout,
    };

    /// <summary>Lets a <see cref="Scheduler"/> run by hand take these options as they are (see <see cref="ToSchedulerOptions"/>).</summary>
    public static implicit operator SchedulerOptions(KinesisAttribOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ToSchedulerOptions();
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option outside its range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object? value, string range)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, $"KinesisAttrib option {name} = {value} is out of range: {range}.");
            }
        }

        Require(!string.IsNullOrWhiteSpace(WorkerId) && WorkerId.Length <= 256, nameof(WorkerId), WorkerId, "1 to 256 characters");
        Require(FailoverTime >= TimeSpan.FromMilliseconds(500), nameof(FailoverTime), FailoverTime, "at least 500 ms");
        Require(EffectiveRenewalInterval > TimeSpan.Zero && EffectiveRenewalInterval <= FailoverTime * 7 / 8, nameof(LeaseRenewalInterval), EffectiveRenewalInterval, "greater than zero and at most 7/8 of FailoverTime (a failed renewal needs time to be retried before the lease expires)");
        Require(EffectiveTakerInterval > TimeSpan.Zero, nameof(LeaseTakerInterval), EffectiveTakerInterval, "greater than zero");
        Require(ShardSyncInterval > TimeSpan.Zero, nameof(ShardSyncInterval), ShardSyncInterval, "greater than zero");
        Require(IdleTimeBetweenReads >= TimeSpan.Zero, nameof(IdleTimeBetweenReads), IdleTimeBetweenReads, "zero or more");
        Require(MaxRecords is >= 1 and <= 10_000, nameof(MaxRecords), MaxRecords, "1 to 10000");
        Require(Enum.IsDefined(RetrievalMode), nameof(RetrievalMode), RetrievalMode, "Polling or FanOut");
        Require(MaxReadAheadBatches is >= 0 and <= 100, nameof(MaxReadAheadBatches), MaxReadAheadBatches, "0 (off) to 100");
        Require(MaxReadAheadRecords >= 1, nameof(MaxReadAheadRecords), MaxReadAheadRecords, "1 or more");
        Require(MaxReadAheadBytes >= 1, nameof(MaxReadAheadBytes), MaxReadAheadBytes, "1 or more");
        Require(MaxReadAheadBytesPerWorker >= 1, nameof(MaxReadAheadBytesPerWorker), MaxReadAheadBytesPerWorker, "1 or more");
        Require(FanOutSubscriptionSilenceTimeout >= TimeSpan.FromSeconds(1), nameof(FanOutSubscriptionSilenceTimeout), FanOutSubscriptionSilenceTimeout, "at least 1 s");
        Require(FanOutConsumerActivationTimeout > TimeSpan.Zero, nameof(FanOutConsumerActivationTimeout), FanOutConsumerActivationTimeout, "greater than zero");
        Require(FanOutConsumerName is null || (FanOutConsumerName.Length is >= 1 and <= 128 && FanOutConsumerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')), nameof(FanOutConsumerName), FanOutConsumerName, "1 to 128 letters, digits, '_', '.' or '-'");
        Require(ProcessingRetryDelay >= TimeSpan.Zero, nameof(ProcessingRetryDelay), ProcessingRetryDelay, "zero or more");
        Require(ShutdownTimeout > TimeSpan.Zero, nameof(ShutdownTimeout), ShutdownTimeout, "greater than zero");
        Require(MaxLeasesForWorker >= 1, nameof(MaxLeasesForWorker), MaxLeasesForWorker, "1 or more");
        Require(MaxLeasesToStealAtOneTime is >= 1 and <= 100, nameof(MaxLeasesToStealAtOneTime), MaxLeasesToStealAtOneTime, "1 to 100");
        Require(CompletedLeaseRetention >= TimeSpan.Zero, nameof(CompletedLeaseRetention), CompletedLeaseRetention, "zero or more");
        Require(LeaseCleanupInterval > TimeSpan.Zero, nameof(LeaseCleanupInterval), LeaseCleanupInterval, "greater than zero");
        Require(KinesisRequestTimeout > TimeSpan.Zero, nameof(KinesisRequestTimeout), KinesisRequestTimeout, "greater than zero");
        Require(KinesisMaxAttempts is >= 1 and <= 10, nameof(KinesisMaxAttempts), KinesisMaxAttempts, "1 to 10");
        Require(StartupRetryTime >= TimeSpan.Zero && StartupRetryTime <= TimeSpan.FromHours(1), nameof(StartupRetryTime), StartupRetryTime, "zero to 1 hour");
    }
}
