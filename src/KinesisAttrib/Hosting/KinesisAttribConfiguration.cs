using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Binds <see cref="KinesisAttribOptions"/> from configuration by hand: no reflection (so it is trimming and Native AOT
/// safe without the binder generator), and a key it does not know or a value it cannot parse is an error naming the
/// key, instead of being ignored as a typo would otherwise be.
/// </summary>
/// <remarks>
/// Layout (section <see cref="SectionName"/>): the options by name (<c>MaxRecords</c>, <c>FailoverTime</c> as
/// <c>hh:mm:ss</c>, <c>KinesisEndpoint</c> as a URI, …), <c>StreamNames:{name}</c> = stream, and
/// <c>Applications:{application}:{setting}</c> for <see cref="KinesisApplicationOptions"/>. Credentials are never read
/// from configuration (AWS's default chain or code supplies them).
/// </remarks>
public static class KinesisAttribConfiguration
{
    /// <summary>The configuration section the options live in.</summary>
    public const string SectionName = "KinesisAttrib";

    /// <summary>Applies the values present in <paramref name="section"/> to <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">A key is unknown or a value cannot be parsed; the message names it.</exception>
    public static void Bind(IConfiguration section, KinesisAttribOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        Apply(section, options, s_options);
    }

    private static readonly Dictionary<string, Action<IConfigurationSection, KinesisApplicationOptions>> s_applicationOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(KinesisApplicationOptions.LeaseTableName)] = (c, o) => o.LeaseTableName = Text(c),
        [nameof(KinesisApplicationOptions.MaxRecords)] = (c, o) => o.MaxRecords = Integer(c),
        [nameof(KinesisApplicationOptions.IdleTimeBetweenReads)] = (c, o) => o.IdleTimeBetweenReads = Time(c),
        [nameof(KinesisApplicationOptions.RetrievalMode)] = (c, o) => o.RetrievalMode = Retrieval(c),
        [nameof(KinesisApplicationOptions.FanOutConsumerName)] = (c, o) => o.FanOutConsumerName = Text(c),
        [nameof(KinesisApplicationOptions.FanOutConsumerArn)] = (c, o) => o.FanOutConsumerArn = Text(c),
        [nameof(KinesisApplicationOptions.MaxReadAheadBatches)] = (c, o) => o.MaxReadAheadBatches = Integer(c),
        [nameof(KinesisApplicationOptions.FailoverTime)] = (c, o) => o.FailoverTime = Time(c),
        [nameof(KinesisApplicationOptions.ShardSyncInterval)] = (c, o) => o.ShardSyncInterval = Time(c),
        [nameof(KinesisApplicationOptions.ProcessingRetryDelay)] = (c, o) => o.ProcessingRetryDelay = Time(c),
        [nameof(KinesisApplicationOptions.MaxRetryAttempts)] = (c, o) => o.MaxRetryAttempts = Integer(c),
        [nameof(KinesisApplicationOptions.BisectBatchOnError)] = (c, o) => o.BisectBatchOnError = Boolean(c),
        [nameof(KinesisApplicationOptions.MaxRecordAge)] = (c, o) => o.MaxRecordAge = Time(c),
        [nameof(KinesisApplicationOptions.RetryDelay)] = (c, o) => o.RetryDelay = Time(c),
        [nameof(KinesisApplicationOptions.MaxRetryDelay)] = (c, o) => o.MaxRetryDelay = Time(c),
        [nameof(KinesisApplicationOptions.FailureDestination)] = (c, o) => o.FailureDestination = Text(c),
    };

    // One setter per key. Keys match case-insensitively like the rest of Microsoft.Extensions.Configuration
    // (KINESISATTRIB__MAXRECORDS, camelCase JSON); a key not listed is rejected by name.
    private static readonly Dictionary<string, Action<IConfigurationSection, KinesisAttribOptions>> s_options = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(KinesisAttribOptions.ApplicationName)] = (c, o) => o.ApplicationName = c.Value,
        [nameof(KinesisAttribOptions.WorkerId)] = (c, o) => o.WorkerId = Text(c),
        [nameof(KinesisAttribOptions.Region)] = (c, o) => o.Region = c.Value,
        [nameof(KinesisAttribOptions.KinesisEndpoint)] = (c, o) => o.KinesisEndpoint = Uri(c),
        [nameof(KinesisAttribOptions.DynamoDbEndpoint)] = (c, o) => o.DynamoDbEndpoint = Uri(c),
        [nameof(KinesisAttribOptions.FailoverTime)] = (c, o) => o.FailoverTime = Time(c),
        [nameof(KinesisAttribOptions.LeaseRenewalInterval)] = (c, o) => o.LeaseRenewalInterval = Time(c),
        [nameof(KinesisAttribOptions.LeaseTakerInterval)] = (c, o) => o.LeaseTakerInterval = Time(c),
        [nameof(KinesisAttribOptions.ShardSyncInterval)] = (c, o) => o.ShardSyncInterval = Time(c),
        [nameof(KinesisAttribOptions.IdleTimeBetweenReads)] = (c, o) => o.IdleTimeBetweenReads = Time(c),
        [nameof(KinesisAttribOptions.MaxRecords)] = (c, o) => o.MaxRecords = Integer(c),
        [nameof(KinesisAttribOptions.RetrievalMode)] = (c, o) => o.RetrievalMode = Retrieval(c),
        [nameof(KinesisAttribOptions.MaxReadAheadBatches)] = (c, o) => o.MaxReadAheadBatches = Integer(c),
        [nameof(KinesisAttribOptions.MaxReadAheadRecords)] = (c, o) => o.MaxReadAheadRecords = Integer(c),
        [nameof(KinesisAttribOptions.MaxReadAheadBytes)] = (c, o) => o.MaxReadAheadBytes = LongInteger(c),
        [nameof(KinesisAttribOptions.MaxReadAheadBytesPerWorker)] = (c, o) => o.MaxReadAheadBytesPerWorker = LongInteger(c),
        [nameof(KinesisAttribOptions.FanOutSubscriptionSilenceTimeout)] = (c, o) => o.FanOutSubscriptionSilenceTimeout = Time(c),
        [nameof(KinesisAttribOptions.FanOutConsumerActivationTimeout)] = (c, o) => o.FanOutConsumerActivationTimeout = Time(c),
        [nameof(KinesisAttribOptions.FanOutConsumerName)] = (c, o) => o.FanOutConsumerName = Text(c),
        [nameof(KinesisAttribOptions.ProcessingRetryDelay)] = (c, o) => o.ProcessingRetryDelay = Time(c),
        [nameof(KinesisAttribOptions.ShutdownTimeout)] = (c, o) => o.ShutdownTimeout = Time(c),
        [nameof(KinesisAttribOptions.MaxLeasesForWorker)] = (c, o) => o.MaxLeasesForWorker = Integer(c),
        [nameof(KinesisAttribOptions.MaxLeasesToStealAtOneTime)] = (c, o) => o.MaxLeasesToStealAtOneTime = Integer(c),
        [nameof(KinesisAttribOptions.CompletedLeaseRetention)] = (c, o) => o.CompletedLeaseRetention = Time(c),
        [nameof(KinesisAttribOptions.LeaseCleanupInterval)] = (c, o) => o.LeaseCleanupInterval = Time(c),
        [nameof(KinesisAttribOptions.MetricsIncludeShardId)] = (c, o) => o.MetricsIncludeShardId = Boolean(c),
        [nameof(KinesisAttribOptions.KinesisRequestTimeout)] = (c, o) => o.KinesisRequestTimeout = Time(c),
        [nameof(KinesisAttribOptions.KinesisMaxAttempts)] = (c, o) => o.KinesisMaxAttempts = Integer(c),
        [nameof(KinesisAttribOptions.StartupRetryTime)] = (c, o) => o.StartupRetryTime = Time(c),
        [nameof(KinesisAttribOptions.FailHostOnFatalError)] = (c, o) => o.FailHostOnFatalError = Boolean(c),
        [nameof(KinesisAttribOptions.StreamNames)] = (c, o) =>
        {
            foreach (var stream in c.GetChildren())
            {
                o.StreamNames[stream.Key] = Text(stream);
            }
        },
        [nameof(KinesisAttribOptions.Applications)] = (c, o) =>
        {
            foreach (var application in c.GetChildren())
            {
                if (!o.Applications.TryGetValue(application.Key, out var target))
                {
                    target = new KinesisApplicationOptions();
                    o.Applications[application.Key] = target;
                }

                Apply(application, target, s_applicationOptions);
            }
        },
    };

    private static void Apply<TOptions>(IConfiguration section, TOptions options, Dictionary<string, Action<IConfigurationSection, TOptions>> setters)
    {
        foreach (var child in section.GetChildren())
        {
            var set = setters.GetValueOrDefault(child.Key) ?? throw Unknown(child);
            set(child, options);
        }
    }

    private static InvalidOperationException Unknown(IConfigurationSection section) =>
        new($"Configuration key '{section.Path}' is not a KinesisAttrib setting. Check its spelling against KinesisAttribOptions / KinesisApplicationOptions.");

    private static string Text(IConfigurationSection section) =>
        string.IsNullOrWhiteSpace(section.Value)
            ? throw new InvalidOperationException($"Configuration value '{section.Path}' is empty.")
            : section.Value;

    private static int Integer(IConfigurationSection section) =>
        int.TryParse(section.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not a whole number.");

    private static long LongInteger(IConfigurationSection section) =>
        long.TryParse(section.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not a whole number.");

    // By name only (Polling, FanOut; any case): a number is rejected, since Enum.TryParse would take any integer.
    private static Handlers.RetrievalMode Retrieval(IConfigurationSection section) =>
        Enum.TryParse<Handlers.RetrievalMode>(section.Value, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(section.Value![0]) && section.Value[0] != '-'
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not a retrieval mode (Polling or FanOut).");

    private static bool Boolean(IConfigurationSection section) =>
        bool.TryParse(section.Value, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not true or false.");

    private static TimeSpan Time(IConfigurationSection section) =>
        TimeSpan.TryParse(section.Value, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not a time span such as 00:00:10.");

    private static Uri Uri(IConfigurationSection section) =>
        System.Uri.TryCreate(section.Value, UriKind.Absolute, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not an absolute URI.");
}
