using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KinesisAttrib.Hosting;

/// <summary>Adds KinesisAttrib's liveness and readiness checks to ASP.NET Core / Generic Host health checks.</summary>
public static class KinesisAttribHealthChecksBuilderExtensions
{
    /// <summary>The tag of the liveness check (every scheduler started and none stopped or failed).</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of the readiness check (lease table and stream answering, leases renewed; shards blocked or lagging degrade it).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds <c>kinesisattrib-live</c> (tagged <see cref="LiveTag"/>) and <c>kinesisattrib-ready</c> (tagged
    /// <see cref="ReadyTag"/>) for the <see cref="KinesisAttribRuntime"/> registered by <c>AddKinesisAttrib</c>.
    /// </summary>
    public static IHealthChecksBuilder AddKinesisAttribHealthChecks(this IHealthChecksBuilder builder, Action<KinesisAttribHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KinesisAttribHealthCheckOptions();
        configure?.Invoke(options);
        builder.Add(new HealthCheckRegistration("kinesisattrib-live", services => new LivenessCheck(Runtime(services)), failureStatus: null, tags: [LiveTag]));
        builder.Add(new HealthCheckRegistration("kinesisattrib-ready", services => new ReadinessCheck(Runtime(services), options), failureStatus: null, tags: [ReadyTag]));
        return builder;
    }

    private static KinesisAttribRuntime Runtime(IServiceProvider services) =>
        services.GetService(typeof(KinesisAttribRuntime)) as KinesisAttribRuntime
        ?? throw new InvalidOperationException("AddKinesisAttribHealthChecks needs AddKinesisAttrib: no KinesisAttribRuntime is registered.");

    private sealed class LivenessCheck(KinesisAttribRuntime runtime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (runtime.Failure is { } failure)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("A scheduler failed.", failure));
            }

            var stopped = runtime.Schedulers.Where(s => s.Telemetry.State == SchedulerState.Stopped).Select(Name).ToList();
            return Task.FromResult(stopped.Count > 0
                ? HealthCheckResult.Unhealthy($"Stopped: {string.Join(", ", stopped)}.", data: new Dictionary<string, object> { ["stopped"] = stopped })
                : HealthCheckResult.Healthy($"{runtime.Schedulers.Count} scheduler(s) running."));
        }
    }

    private sealed class ReadinessCheck(KinesisAttribRuntime runtime, KinesisAttribHealthCheckOptions options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Evaluate(runtime.Schedulers.Select(s => s.Telemetry), options));
    }

    private static string Name(Shards.Scheduler scheduler) => Name(scheduler.Telemetry);

    private static string Name(SchedulerTelemetry scheduler) => $"{scheduler.Application}/{scheduler.Stream}";

    /// <summary>The readiness of these schedulers: a pure function of their state, tested without a host.</summary>
    internal static HealthCheckResult Evaluate(IEnumerable<SchedulerTelemetry> schedulers, KinesisAttribHealthCheckOptions options)
    {
        var problems = new List<string>();
        var degraded = new List<string>();
        var blocked = new List<string>();
        var lagging = new List<string>();
        var count = 0;
        foreach (var scheduler in schedulers)
        {
            count++;
            var name = Name(scheduler);
            var limit = options.UnreachableAfter ?? scheduler.FailoverTime;
            if (scheduler.State != SchedulerState.Running)
            {
                problems.Add($"{name} is {scheduler.State.ToString().ToLowerInvariant()}");
                continue;
            }

            if (scheduler.LeaseTableFailingFor is var table && table > limit)
            {
                problems.Add($"{name}: the lease table has not answered for {table.TotalSeconds:0} s");
            }

            if (scheduler.StreamFailingFor is var stream && stream > limit)
            {
                problems.Add($"{name}: the stream has not answered for {stream.TotalSeconds:0} s");
            }

            if (scheduler.LeasesSuspended is > 0 and var suspended)
            {
                problems.Add($"{name}: {suspended} lease(s) suspended (not renewed for the self-fence time)");
            }

            foreach (var shard in scheduler.Shards)
            {
                if (shard.BlockedFor > options.MaxBlockedTime)
                {
                    blocked.Add($"{name}/{shard.ShardId}");
                    degraded.Add($"{name}/{shard.ShardId} blocked on one record for {shard.BlockedFor.TotalSeconds:0} s");
                }

                if (shard.LagMilliseconds is { } lag && lag > options.MaxLag.TotalMilliseconds)
                {
                    lagging.Add($"{name}/{shard.ShardId}");
                    degraded.Add($"{name}/{shard.ShardId} is {lag / 1000} s behind");
                }
            }
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["schedulers"] = count };
        if (blocked.Count > 0)
        {
            data["blockedShards"] = blocked;
        }

        if (lagging.Count > 0)
        {
            data["laggingShards"] = lagging;
        }

        if (problems.Count > 0)
        {
            data["problems"] = problems;
            return HealthCheckResult.Unhealthy(string.Join("; ", problems) + ".", data: data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", degraded) + ".", data: data)
            : HealthCheckResult.Healthy($"{count} scheduler(s) ready.", data);
    }
}
