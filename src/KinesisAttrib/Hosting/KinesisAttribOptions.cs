using Amazon.Runtime;

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

    /// <summary>How often held leases are renewed. Default: a third of <see cref="FailoverTime"/>.</summary>
    public TimeSpan? LeaseRenewalInterval { get; set; }

    /// <summary>How often the lease table is scanned for leases to take. Default: <see cref="FailoverTime"/>.</summary>
    public TimeSpan? LeaseTakerInterval { get; set; }

    /// <summary>How often shards are listed to find new ones. KCL default 60 s.</summary>
    public TimeSpan ShardSyncInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a shard consumer waits after an empty GetRecords. KCL default 1.5 s; 1 s here.</summary>
    public TimeSpan IdleTimeBetweenReads { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Records per GetRecords call (1–10,000). KCL default 10,000.</summary>
    public int MaxRecords { get; set; } = 10_000;

    /// <summary>How long a processor that failed waits before its records are delivered again.</summary>
    public TimeSpan ProcessingRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On host stop, how long shard consumers may take to finish the batch in hand and checkpoint.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Per-application overrides, keyed by application name (ordinal), e.g. from configuration section
    /// <c>KinesisAttrib:Applications:{name}</c>. They win over the handler's attribute, which wins over these options.
    /// </summary>
    public IDictionary<string, KinesisApplicationOptions> Applications { get; } = new Dictionary<string, KinesisApplicationOptions>(StringComparer.Ordinal);

    internal TimeSpan EffectiveRenewalInterval => LeaseRenewalInterval ?? FailoverTime / 3;

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
            ProcessingRetryDelay = ProcessingRetryDelay,
            ShutdownTimeout = ShutdownTimeout,
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
        Require(EffectiveRenewalInterval > TimeSpan.Zero && EffectiveRenewalInterval < FailoverTime, nameof(LeaseRenewalInterval), EffectiveRenewalInterval, "greater than zero and less than FailoverTime");
        Require(EffectiveTakerInterval > TimeSpan.Zero, nameof(LeaseTakerInterval), EffectiveTakerInterval, "greater than zero");
        Require(ShardSyncInterval > TimeSpan.Zero, nameof(ShardSyncInterval), ShardSyncInterval, "greater than zero");
        Require(IdleTimeBetweenReads >= TimeSpan.Zero, nameof(IdleTimeBetweenReads), IdleTimeBetweenReads, "zero or more");
        Require(MaxRecords is >= 1 and <= 10_000, nameof(MaxRecords), MaxRecords, "1 to 10000");
        Require(ProcessingRetryDelay >= TimeSpan.Zero, nameof(ProcessingRetryDelay), ProcessingRetryDelay, "zero or more");
        Require(ShutdownTimeout > TimeSpan.Zero, nameof(ShutdownTimeout), ShutdownTimeout, "greater than zero");
    }
}
