using KinesisAttrib.Diagnostics;
using KinesisAttrib.Hosting;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Diagnostics;

/// <summary>AddKinesisAttribHealthChecks: liveness and readiness of the hosted runtime.</summary>
public sealed class HealthCheckTests
{
    private static KinesisHandlerDescriptor Descriptor(string stream) => new()
    {
        Settings = new HandlerSettings { StreamName = stream, ApplicationName = "app", HandlerName = "Recording" },
        CreateProcessor = (_, _) => new RecordingProcessor(new RecordingSink()),
    };

    private static async Task<HealthStatus> StatusAsync(HealthCheckService health, string tag) =>
        (await health.CheckHealthAsync(r => r.Tags.Contains(tag))).Status;

    [Fact]
    public async Task Readiness_IsLost_WhileTheLeaseTableIsUnreachableLongerThanTheFailoverTime_AndComesBackAfter()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        var store = new SwitchableLeaseStore(new InMemoryLeaseStore());
        var builder = RuntimeHost.CreateBuilder(kinesis, new InMemoryLeaseStoreFactory(), o =>
        {
            o.WorkerId = $"health-{Guid.NewGuid():N}";
            o.FailoverTime = TimeSpan.FromSeconds(2);
            o.LeaseRenewalInterval = TimeSpan.FromMilliseconds(650);
        });
        builder.Services.AddSingleton<ILeaseStoreFactory>(new SingleStoreFactory(store));
        builder.Services.AddKinesisHandler(Descriptor("orders"));
        builder.Services.AddHealthChecks().AddKinesisAttribHealthChecks();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();

        await host.StartAsync();
        await Eventually.WaitUntilAsync(
            async () => await StatusAsync(health, "ready") == HealthStatus.Healthy && runtime.Schedulers[0].HeldShards.Count == 2,
            SchedulerArrangement.TestTimeout,
            "the worker is ready and holds both leases");

        store.Unreachable = true;
        var cut = TimeProvider.System.GetTimestamp();
        await Eventually.WaitUntilAsync(async () => await StatusAsync(health, "ready") == HealthStatus.Unhealthy, SchedulerArrangement.TestTimeout, "readiness is lost");
        Assert.InRange(TimeProvider.System.GetElapsedTime(cut), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        var report = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));
        var problems = Assert.IsAssignableFrom<IEnumerable<string>>(report.Entries["kinesisattrib-ready"].Data["problems"]);
        Assert.Contains(problems, p => p.Contains("suspended", StringComparison.Ordinal) || p.Contains("lease table", StringComparison.Ordinal));
        Assert.Equal(HealthStatus.Healthy, await StatusAsync(health, "live"));

        store.Unreachable = false;
        await Eventually.WaitUntilAsync(async () => await StatusAsync(health, "ready") == HealthStatus.Healthy, SchedulerArrangement.TestTimeout, "readiness is back");
        await host.StopAsync();
    }

    [Fact]
    public async Task Liveness_IsLost_WhenASchedulerFails()
    {
        var builder = RuntimeHost.CreateBuilder(new InMemoryKinesisClient(), new InMemoryLeaseStoreFactory(), o => o.WorkerId = $"health-{Guid.NewGuid():N}");
        builder.Services.AddKinesisHandler(Descriptor("no-such-stream"));
        builder.Services.AddHealthChecks().AddKinesisAttribHealthChecks();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();

        await host.StartAsync();
        await runtime.Completion.WaitAsync(SchedulerArrangement.TestTimeout);

        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync(health, "live"));
        Assert.Equal(HealthStatus.Unhealthy, await StatusAsync(health, "ready"));

        // The failure is fatal: stopping the host rethrows it (so a process exits non-zero).
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StopAsync());
    }

    [Fact]
    public void AShardBlockedOnOneRecord_OrLagging_MakesReadinessDegraded_NamingTheShard()
    {
        var time = new FakeTimeProvider();
        var scheduler = new SchedulerTelemetry("app", "orders", "w", includeShard: true, time) { State = SchedulerState.Running };
        var blocked = scheduler.StartShard("shardId-000000000001");
        var lagging = scheduler.StartShard("shardId-000000000002");
        var options = new KinesisAttribHealthCheckOptions { MaxBlockedTime = TimeSpan.FromMinutes(1), MaxLag = TimeSpan.FromMinutes(5) };
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], options).Status);

        blocked.Failed();
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], options).Status);
        time.Advance(TimeSpan.FromSeconds(2));
        lagging.Read((long)TimeSpan.FromMinutes(6).TotalMilliseconds);

        var result = KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], options);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(["app/orders/shardId-000000000001"], Assert.IsAssignableFrom<IEnumerable<string>>(result.Data["blockedShards"]));
        Assert.Equal(["app/orders/shardId-000000000002"], Assert.IsAssignableFrom<IEnumerable<string>>(result.Data["laggingShards"]));

        blocked.Unblocked();
        lagging.Read(0);
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], options).Status);
    }

    [Fact]
    public void ALeaseTableFailingLongerThanTheFailoverTime_MakesReadinessUnhealthy_ButOneNotAskedDoesNot()
    {
        var time = new FakeTimeProvider();
        var scheduler = new SchedulerTelemetry("app", "orders", "w", includeShard: true, time) { State = SchedulerState.Running, FailoverTime = TimeSpan.FromSeconds(10) };
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], new()).Status);

        scheduler.LeaseTableAnswered();
        time.Advance(TimeSpan.FromSeconds(1));
        scheduler.LeaseTableFailed();
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], new()).Status);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HealthStatus.Unhealthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], new()).Status);

        scheduler.LeaseTableAnswered();
        Assert.Equal(HealthStatus.Healthy, KinesisAttribHealthChecksBuilderExtensions.Evaluate([scheduler], new()).Status);
    }

    private sealed class SingleStoreFactory(ILeaseStore store) : ILeaseStoreFactory
    {
        public ILeaseStore Create(string applicationName) => store;
    }
}
