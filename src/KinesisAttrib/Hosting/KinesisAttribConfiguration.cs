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
        foreach (var child in section.GetChildren())
        {
            switch (Canonical(child.Key, s_optionKeys))
            {
                case nameof(KinesisAttribOptions.ApplicationName): options.ApplicationName = child.Value; break;
                case nameof(KinesisAttribOptions.WorkerId): options.WorkerId = Text(child); break;
                case nameof(KinesisAttribOptions.Region): options.Region = child.Value; break;
                case nameof(KinesisAttribOptions.KinesisEndpoint): options.KinesisEndpoint = Uri(child); break;
                case nameof(KinesisAttribOptions.DynamoDbEndpoint): options.DynamoDbEndpoint = Uri(child); break;
                case nameof(KinesisAttribOptions.FailoverTime): options.FailoverTime = Time(child); break;
                case nameof(KinesisAttribOptions.LeaseRenewalInterval): options.LeaseRenewalInterval = Time(child); break;
                case nameof(KinesisAttribOptions.LeaseTakerInterval): options.LeaseTakerInterval = Time(child); break;
                case nameof(KinesisAttribOptions.ShardSyncInterval): options.ShardSyncInterval = Time(child); break;
                case nameof(KinesisAttribOptions.IdleTimeBetweenReads): options.IdleTimeBetweenReads = Time(child); break;
                case nameof(KinesisAttribOptions.MaxRecords): options.MaxRecords = Integer(child); break;
                case nameof(KinesisAttribOptions.ProcessingRetryDelay): options.ProcessingRetryDelay = Time(child); break;
                case nameof(KinesisAttribOptions.ShutdownTimeout): options.ShutdownTimeout = Time(child); break;
                case nameof(KinesisAttribOptions.MaxLeasesForWorker): options.MaxLeasesForWorker = Integer(child); break;
                case nameof(KinesisAttribOptions.MaxLeasesToStealAtOneTime): options.MaxLeasesToStealAtOneTime = Integer(child); break;
                case nameof(KinesisAttribOptions.CompletedLeaseRetention): options.CompletedLeaseRetention = Time(child); break;
                case nameof(KinesisAttribOptions.LeaseCleanupInterval): options.LeaseCleanupInterval = Time(child); break;
                case nameof(KinesisAttribOptions.KinesisRequestTimeout): options.KinesisRequestTimeout = Time(child); break;
                case nameof(KinesisAttribOptions.KinesisMaxAttempts): options.KinesisMaxAttempts = Integer(child); break;
                case nameof(KinesisAttribOptions.StreamNames):
                    foreach (var stream in child.GetChildren())
                    {
                        options.StreamNames[stream.Key] = Text(stream);
                    }

                    break;
                case nameof(KinesisAttribOptions.Applications):
                    foreach (var application in child.GetChildren())
                    {
                        if (!options.Applications.TryGetValue(application.Key, out var target))
                        {
                            target = new KinesisApplicationOptions();
                            options.Applications[application.Key] = target;
                        }

                        BindApplication(application, target);
                    }

                    break;
                default:
                    throw Unknown(child);
            }
        }
    }

    private static void BindApplication(IConfigurationSection section, KinesisApplicationOptions options)
    {
        foreach (var child in section.GetChildren())
        {
            switch (Canonical(child.Key, s_applicationKeys))
            {
                case nameof(KinesisApplicationOptions.LeaseTableName): options.LeaseTableName = Text(child); break;
                case nameof(KinesisApplicationOptions.MaxRecords): options.MaxRecords = Integer(child); break;
                case nameof(KinesisApplicationOptions.IdleTimeBetweenReads): options.IdleTimeBetweenReads = Time(child); break;
                case nameof(KinesisApplicationOptions.FailoverTime): options.FailoverTime = Time(child); break;
                case nameof(KinesisApplicationOptions.ShardSyncInterval): options.ShardSyncInterval = Time(child); break;
                case nameof(KinesisApplicationOptions.ProcessingRetryDelay): options.ProcessingRetryDelay = Time(child); break;
                default:
                    throw Unknown(child);
            }
        }
    }

    private static readonly string[] s_optionKeys =
    [
        nameof(KinesisAttribOptions.ApplicationName), nameof(KinesisAttribOptions.WorkerId), nameof(KinesisAttribOptions.Region),
        nameof(KinesisAttribOptions.KinesisEndpoint), nameof(KinesisAttribOptions.DynamoDbEndpoint), nameof(KinesisAttribOptions.FailoverTime),
        nameof(KinesisAttribOptions.LeaseRenewalInterval), nameof(KinesisAttribOptions.LeaseTakerInterval), nameof(KinesisAttribOptions.ShardSyncInterval),
        nameof(KinesisAttribOptions.IdleTimeBetweenReads), nameof(KinesisAttribOptions.MaxRecords), nameof(KinesisAttribOptions.ProcessingRetryDelay),
        nameof(KinesisAttribOptions.ShutdownTimeout), nameof(KinesisAttribOptions.MaxLeasesForWorker), nameof(KinesisAttribOptions.MaxLeasesToStealAtOneTime),
        nameof(KinesisAttribOptions.CompletedLeaseRetention), nameof(KinesisAttribOptions.LeaseCleanupInterval), nameof(KinesisAttribOptions.KinesisRequestTimeout),
        nameof(KinesisAttribOptions.KinesisMaxAttempts), nameof(KinesisAttribOptions.StreamNames), nameof(KinesisAttribOptions.Applications),
    ];

    private static readonly string[] s_applicationKeys =
    [
        nameof(KinesisApplicationOptions.LeaseTableName), nameof(KinesisApplicationOptions.MaxRecords), nameof(KinesisApplicationOptions.IdleTimeBetweenReads),
        nameof(KinesisApplicationOptions.FailoverTime), nameof(KinesisApplicationOptions.ShardSyncInterval), nameof(KinesisApplicationOptions.ProcessingRetryDelay),
    ];

    /// <summary>
    /// The option name a key means: configuration keys are case-insensitive (<c>KINESISATTRIB__MAXRECORDS</c>,
    /// camelCase JSON), so they are matched like that; an unknown key is returned as is (and then rejected).
    /// </summary>
    private static string Canonical(string key, string[] known)
    {
        foreach (var name in known)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return key;
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

    private static TimeSpan Time(IConfigurationSection section) =>
        TimeSpan.TryParse(section.Value, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not a time span such as 00:00:10.");

    private static Uri Uri(IConfigurationSection section) =>
        System.Uri.TryCreate(section.Value, UriKind.Absolute, out var value)
            ? value
            : throw new InvalidOperationException($"Configuration value '{section.Path}' = '{section.Value}' is not an absolute URI.");
}
