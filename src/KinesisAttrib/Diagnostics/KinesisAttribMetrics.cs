using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KinesisAttrib.Diagnostics;

/// <summary>
/// The meter <c>KinesisAttrib</c> and all its instruments, in one place (docs/observability.md describes each). The
/// runtime reports through <see cref="SchedulerTelemetry"/> and <see cref="ShardTelemetry"/>, which hold the attribute
/// lists built once per scheduler and per shard; the gauges are observed from their state when a listener collects,
/// so the hot path only writes a field.
/// </summary>
internal static class KinesisAttribMetrics
{
    public static readonly Meter Meter = new(TelemetryNames.Name, typeof(KinesisAttribMetrics).Assembly.GetName().Version?.ToString());

    // The schedulers running in this process; the observable instruments read their state.
    private static readonly ConcurrentDictionary<SchedulerTelemetry, byte> Running = new();

#if NET9_0_OR_GREATER
    // The OpenTelemetry conventions' buckets for durations in seconds (an exporter's defaults are for milliseconds).
    private static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

#endif
    public static readonly Counter<long> ConsumedMessages = Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Records handed to handlers (KPL user records one by one).");

    public static readonly Histogram<double> ProcessDuration = SecondsHistogram(
        "messaging.process.duration", "Time a batch spent in the handler (processor), including in-place retries.");

    public static readonly Counter<long> LeaseTransitions = Meter.CreateCounter<long>(
        "kinesisattrib.lease.transitions", "{lease}", "Leases taken, stolen, handed off, lost, suspended and resumed by this worker.");

    public static readonly Counter<long> LeaseRenewals = Meter.CreateCounter<long>(
        "kinesisattrib.lease.renewals", "{renewal}", "Lease renewals, by outcome (success, refused, failed).");

    public static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>(
        "kinesisattrib.checkpoints", "{checkpoint}", "Checkpoint writes, by outcome (success, refused, failed).");

    public static readonly Histogram<double> RequestDuration = SecondsHistogram(
        "kinesisattrib.client.request.duration", "Kinesis and lease-table requests, by service, operation and outcome (success, throttled, error, timeout).");

    public static readonly Counter<long> HandlerRetries = Meter.CreateCounter<long>(
        "kinesisattrib.handler.retries", "{retry}", "In-place retries of a failed record or batch.");

    public static readonly Counter<long> Bisections = Meter.CreateCounter<long>(
        "kinesisattrib.handler.bisections", "{bisection}", "Failed batches split in halves.");

    public static readonly Counter<long> FailedRecords = Meter.CreateCounter<long>(
        "kinesisattrib.handler.failed_records", "{record}", "Records given up on and sent to the on-failure destination, by reason.");

    public static readonly Counter<long> DeserializationFailures = Meter.CreateCounter<long>(
        "kinesisattrib.deserialization.failures", "{record}", "Records whose payload could not be deserialized, by policy.");

    // A duration histogram in seconds, with the conventions' buckets where the runtime can advise them (.NET 9+).
    private static Histogram<double> SecondsHistogram(string name, string description) =>
#if NET9_0_OR_GREATER
        Meter.CreateHistogram<double>(name, "s", description, tags: null, advice: SecondsAdvice);
#else
        Meter.CreateHistogram<double>(name, "s", description);
#endif

    static KinesisAttribMetrics()
    {
        Meter.CreateObservableGauge("kinesisattrib.consumer.lag", ObserveLag, "ms", "How far the last read of each shard was behind its tip (MillisBehindLatest).");
        Meter.CreateObservableGauge("kinesisattrib.consumer.record_age", ObserveRecordAge, "ms", "Age of the last record processed when it was processed (now − its arrival time).");
        Meter.CreateObservableGauge("kinesisattrib.shard.blocked.duration", ObserveBlocked, "s", "How long each shard has been held up by one failing record (0 when it is not).");
        Meter.CreateObservableGauge("kinesisattrib.leases.held", ObserveHeld, "{lease}", "Leases this worker holds (suspended ones included).");
        Meter.CreateObservableGauge("kinesisattrib.leases.suspended", ObserveSuspended, "{lease}", "Leases this worker holds but has suspended (lease table unreachable for the self-fence time).");
    }

    /// <summary>Makes a running scheduler's state visible to the gauges until the result is disposed.</summary>
    public static IDisposable Register(SchedulerTelemetry scheduler)
    {
        Running[scheduler] = 0;
        return new Registration(scheduler);
    }

    /// <summary>The registered schedulers (the health checks read them too).</summary>
    public static ICollection<SchedulerTelemetry> Schedulers => Running.Keys;

    /// <summary>
    /// Records the duration of one request to Kinesis or the lease table, with <paramref name="context"/>'s attributes
    /// (the scheduler's for lease-table requests; Kinesis requests carry their stream).
    /// </summary>
    public static void RecordRequest(string service, string operation, string outcome, TimeSpan duration, ReadOnlySpan<KeyValuePair<string, object?>> context = default)
    {
        if (!RequestDuration.Enabled)
        {
            return;
        }

        var tags = new KeyValuePair<string, object?>[context.Length + 4];
        context.CopyTo(tags);
        tags[^4] = new(TelemetryNames.RpcSystem, "aws-api");
        tags[^3] = new(TelemetryNames.RpcService, service);
        tags[^2] = new(TelemetryNames.RpcMethod, operation);
        tags[^1] = new(TelemetryNames.Outcome, outcome);
        RequestDuration.Record(duration.TotalSeconds, tags);
    }

    private static IEnumerable<Measurement<long>> ObserveLag() => PerShard(s => s.LagMilliseconds);

    private static IEnumerable<Measurement<long>> ObserveRecordAge() => PerShard(s => s.LastRecordAgeMilliseconds);

    private static IEnumerable<Measurement<double>> ObserveBlocked()
    {
        foreach (var scheduler in Running.Keys)
        {
            if (scheduler.IncludeShard)
            {
                foreach (var shard in scheduler.Shards)
                {
                    yield return new Measurement<double>(shard.BlockedFor.TotalSeconds, shard.Tags);
                }
            }
            else if (scheduler.Shards.Count > 0)
            {
                // Without the shard attribute the shards would collide in one series: report the worst.
                yield return new Measurement<double>(scheduler.Shards.Max(s => s.BlockedFor.TotalSeconds), scheduler.Tags);
            }
        }
    }

    private static IEnumerable<Measurement<long>> PerShard(Func<ShardTelemetry, long?> read)
    {
        foreach (var scheduler in Running.Keys)
        {
            long? worst = null;
            foreach (var shard in scheduler.Shards)
            {
                if (read(shard) is not { } value)
                {
                    continue;
                }

                if (scheduler.IncludeShard)
                {
                    yield return new Measurement<long>(value, shard.Tags);
                }
                else
                {
                    worst = Math.Max(worst ?? 0, value);
                }
            }

            if (worst is { } max)
            {
                yield return new Measurement<long>(max, scheduler.Tags);
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveHeld()
    {
        foreach (var scheduler in Running.Keys)
        {
            yield return new Measurement<int>(scheduler.LeasesHeld, scheduler.Tags);
        }
    }

    private static IEnumerable<Measurement<int>> ObserveSuspended()
    {
        foreach (var scheduler in Running.Keys)
        {
            yield return new Measurement<int>(scheduler.LeasesSuspended, scheduler.Tags);
        }
    }

    private sealed class Registration(SchedulerTelemetry scheduler) : IDisposable
    {
        public void Dispose() => Running.TryRemove(scheduler, out _);
    }
}
