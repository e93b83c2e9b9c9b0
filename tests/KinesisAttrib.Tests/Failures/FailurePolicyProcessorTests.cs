using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KinesisAttrib.Tests.Failures;

/// <summary>The failure policy of one processor, driven by hand: stops, lost leases, missing destinations, overrides.</summary>
public sealed class FailurePolicyProcessorTests
{
    private static readonly ShardContext s_shard = new("app", "orders", "shardId-000000000000", "w");

    [Fact]
    public async Task ALostLease_EndsTheRetryWait_WithoutSendingTheRecordAnywhere()
    {
        var destination = new RecordingDestination();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).BuildServiceProvider();
        var processor = new PoisonRecordProcessor(services, new HandlerSettings { MaxRetryAttempts = 5, RetryDelay = TimeSpan.FromHours(1) }, "b", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);
        var checkpointer = new ListCheckpointer();
        using var leaseLost = new CancellationTokenSource();

        var processing = processor.ProcessRecordsAsync(Input(checkpointer, "a", "b", "c"), leaseLost.Token).AsTask();
        await Eventually.WaitUntilAsync(() => Task.FromResult(log.PoisonAttempts == 1), SchedulerArrangement.TestTimeout, "the first attempt failed");
        await leaseLost.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processing.WaitAsync(SchedulerArrangement.TestTimeout));
        Assert.Empty(destination.Received);
        Assert.Equal(1, log.PoisonAttempts);
        Assert.Equal([new ExtendedSequenceNumber("1")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task AGracefulStop_EndsTheRetryWait_AndTheFailureMakesTheRecordComeAgain()
    {
        var destination = new RecordingDestination();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).BuildServiceProvider();
        var processor = new PoisonBatchProcessor(services, new HandlerSettings { MaxRetryAttempts = -1, BisectBatchOnError = true, RetryDelay = TimeSpan.FromHours(1) }, "c", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);
        var checkpointer = new ListCheckpointer();
        using var stop = new CancellationTokenSource();

        var processing = processor.ProcessRecordsAsync(Input(checkpointer, "a", "b", "c", "d") with { StopRequested = stop.Token }, default).AsTask();
        await Eventually.WaitUntilAsync(() => Task.FromResult(log.PoisonAttempts == 3), SchedulerArrangement.TestTimeout, "the batch was bisected down to the poison record");
        await stop.CancelAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => processing.WaitAsync(SchedulerArrangement.TestTimeout));
        Assert.Equal("cannot handle c", error.Message);
        Assert.Empty(destination.Received);
        Assert.Equal(["a", "b"], log.Handled.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new ExtendedSequenceNumber("2"), checkpointer.Checkpoints[^1]);
    }

    [Fact]
    public async Task Retries_BackOffExponentially_UpToTheCap_ThenTheRecordGoesToTheDestination()
    {
        var destination = new RecordingDestination();
        var time = new ImmediateTimeProvider();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var settings = new HandlerSettings { MaxRetryAttempts = 5, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(4) };
        var processor = new PoisonRecordProcessor(services, settings, "b", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);

        await processor.ProcessRecordsAsync(Input(new ListCheckpointer(), "a", "b", "c"), default);

        // 1, 2, 4, 4, 4 seconds, each less up to a fifth at random (jitter), never more.
        double[] nominal = [1, 2, 4, 4, 4];
        Assert.Equal(nominal.Length, time.Delays.Count);
        for (var i = 0; i < nominal.Length; i++)
        {
            Assert.InRange(time.Delays[i].TotalSeconds, nominal[i] * 0.8, nominal[i]);
        }

        Assert.Equal(6, log.PoisonAttempts);
        Assert.Equal(6, Assert.Single(destination.Received).Attempts);
    }

    [Fact]
    public async Task ABisectedPoisonRecord_RetriedWithoutLimit_GoesToTheDestination_OnceItIsTooOld()
    {
        var destination = new RecordingDestination();
        var time = new AgingTimeProvider();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var settings = new HandlerSettings { MaxRetryAttempts = -1, BisectBatchOnError = true, MaxRecordAge = TimeSpan.FromSeconds(10), RetryDelay = TimeSpan.FromSeconds(4), MaxRetryDelay = TimeSpan.FromSeconds(4) };
        var processor = new PoisonBatchProcessor(services, settings, "c", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);

        // Without the age check on each retry, this would retry "c" forever.
        await processor.ProcessRecordsAsync(Input(new ListCheckpointer(), time.GetUtcNow(), "a", "b", "c", "d"), default).AsTask().WaitAsync(SchedulerArrangement.TestTimeout);

        var sent = Assert.Single(destination.Received);
        Assert.Equal(FailureReason.RecordTooOld, sent.Reason);
        Assert.Equal("c", Encoding.UTF8.GetString(sent.Data.Span));
        Assert.Equal(["a", "b", "d"], log.Handled.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(log.PoisonAttempts, 3, 6);
    }

    [Fact]
    public async Task APerRecordPoisonRecord_RetriedInPlace_GoesToTheDestination_OnceItIsTooOld()
    {
        var destination = new RecordingDestination();
        var time = new AgingTimeProvider();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var settings = new HandlerSettings { MaxRetryAttempts = 100, MaxRecordAge = TimeSpan.FromSeconds(10), RetryDelay = TimeSpan.FromSeconds(4), MaxRetryDelay = TimeSpan.FromSeconds(4) };
        var processor = new PoisonRecordProcessor(services, settings, "b", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);

        await processor.ProcessRecordsAsync(Input(new ListCheckpointer(), time.GetUtcNow(), "a", "b"), default).AsTask().WaitAsync(SchedulerArrangement.TestTimeout);

        var sent = Assert.Single(destination.Received);
        Assert.Equal(FailureReason.RecordTooOld, sent.Reason);
        Assert.InRange(log.PoisonAttempts, 3, 5);
    }

    [Fact]
    public async Task StaleRecordsSentBeforeABatchFailure_AreCheckpointed_SoARedeliveryDoesNotSendThemAgain()
    {
        var destination = new RecordingDestination();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).BuildServiceProvider();
        var processor = new PoisonBatchProcessor(services, new HandlerSettings { MaxRecordAge = TimeSpan.FromMinutes(1) }, "c", log);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);
        var checkpointer = new ListCheckpointer();
        var old = DateTimeOffset.UtcNow - TimeSpan.FromHours(2);
        var records = new List<KinesisClientRecord>
        {
            new("1", 0, "k", "a"u8.ToArray(), old),
            new("2", 0, "k", "b"u8.ToArray(), old),
            new("3", 0, "k", "c"u8.ToArray(), DateTimeOffset.UtcNow),
            new("4", 0, "k", "d"u8.ToArray(), DateTimeOffset.UtcNow),
        };
        checkpointer.LargestPermittedCheckpoint = records[^1].Position;

        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.ProcessRecordsAsync(new ProcessRecordsInput(records, null, checkpointer), default).AsTask());

        Assert.Equal(["a", "b"], destination.Payloads());
        Assert.Equal(new ExtendedSequenceNumber("2"), checkpointer.Checkpoints[^1]);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(-1, 60)]
    public async Task APolicyThatCanGiveUp_WithoutADestination_FailsToInitialize_NamingTheHandler(int maxRetryAttempts, int maxAgeSeconds)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var settings = new HandlerSettings { HandlerName = "Shop.Orders.OnOrder", MaxRetryAttempts = maxRetryAttempts, MaxRecordAge = TimeSpan.FromSeconds(maxAgeSeconds) };
        var processor = new PoisonRecordProcessor(services, settings, "x", new HandledLog());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default).AsTask());

        Assert.Contains("Shop.Orders.OnOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("IFailedRecordDestination", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHandlerNamingAnUnregisteredDestination_FailsToInitialize_NamingIt()
    {
        await using var services = new ServiceCollection().AddKinesisFailureDestination(_ => new RecordingDestination()).BuildServiceProvider();
        var processor = new PoisonRecordProcessor(services, new HandlerSettings { HandlerName = "H", FailureDestination = "audit" }, "x", new HandledLog());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default).AsTask());

        Assert.Contains("keyed IFailedRecordDestination 'audit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHandlerNamingAKeyedDestination_UsesThatOne()
    {
        var fallback = new RecordingDestination();
        var named = new RecordingDestination();
        await using var services = new ServiceCollection()
            .AddKinesisFailureDestination(_ => fallback)
            .AddKinesisFailureDestination(_ => named, "audit")
            .BuildServiceProvider();
        var processor = new PoisonRecordProcessor(services, new HandlerSettings { MaxRetryAttempts = 0, FailureDestination = "audit" }, "b", new HandledLog());
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);

        await processor.ProcessRecordsAsync(Input(new ListCheckpointer(), "a", "b", "c"), default);

        Assert.Equal(["b"], named.Payloads());
        Assert.Empty(fallback.Received);
    }

    [Fact]
    public async Task TheApplicationsConfiguration_OverridesTheGeneratedPolicy()
    {
        var destination = new RecordingDestination();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KinesisAttrib:Applications:app:MaxRetryAttempts"] = "1",
            ["KinesisAttrib:Applications:app:RetryDelay"] = "00:00:00.001",
        }).Build();
        await using var services = new ServiceCollection()
            .AddKinesisAttrib(configuration)
            .AddKinesisFailureDestination(_ => destination)
            .BuildServiceProvider();
        var log = new HandledLog();
        KinesisHandlerDescriptor handler = new()
        {
            Settings = new HandlerSettings { StreamName = "orders", ApplicationName = "app" },
            CreateProcessor = (sp, settings) => new PoisonRecordProcessor(sp, settings, "b", log),
        };
        var plan = Assert.Single(SchedulerPlanner.Plan([handler], services.GetRequiredService<IOptions<KinesisAttribOptions>>().Value, services));
        var processor = plan.NewProcessor(services);
        await processor.InitializeAsync(new InitializationInput(s_shard, ExtendedSequenceNumber.TrimHorizon), default);

        await processor.ProcessRecordsAsync(Input(new ListCheckpointer(), "a", "b", "c"), default);

        Assert.Equal(2, Assert.Single(destination.Received).Attempts);
        Assert.Equal(["a", "c"], log.Handled.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheRuntime_RefusesToStart_WhenAHandlerCouldGiveUpWithoutADestination()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton<KinesisAttrib.Kinesis.IKinesisClient>(new InMemoryKinesisClient());
        builder.Services.AddSingleton<KinesisAttrib.Leases.ILeaseStoreFactory>(new InMemoryLeaseStoreFactory());
        builder.Services.AddKinesisAttrib();
        builder.Services.AddKinesisHandler(new KinesisHandlerDescriptor
        {
            Settings = new HandlerSettings { StreamName = "orders", ApplicationName = "app", HandlerName = "Shop.Orders.OnOrder", MaxRetryAttempts = 3 },
            CreateProcessor = (sp, settings) => new PoisonRecordProcessor(sp, settings, "x", new HandledLog()),
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Shop.Orders.OnOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("would be lost", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2, 0, "MaxRetryAttempts is -2")]
    [InlineData(-1, -1, "must not be negative")]
    public void HandlerSettings_RejectsAnInvalidFailurePolicy(int retries, int ageSeconds, string expected)
    {
        var settings = new HandlerSettings { HandlerName = "H", MaxRetryAttempts = retries, MaxRecordAge = TimeSpan.FromSeconds(ageSeconds) };

        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_BindsTheFailurePolicyOfAnApplication()
    {
        var options = new KinesisAttribOptions();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KinesisAttrib:Applications:billing:MaxRetryAttempts"] = "4",
            ["KinesisAttrib:Applications:billing:BisectBatchOnError"] = "true",
            ["KinesisAttrib:Applications:billing:MaxRecordAge"] = "01:00:00",
            ["KinesisAttrib:Applications:billing:RetryDelay"] = "00:00:02",
            ["KinesisAttrib:Applications:billing:MaxRetryDelay"] = "00:01:00",
            ["KinesisAttrib:Applications:billing:FailureDestination"] = "audit",
        }).Build();

        KinesisAttribConfiguration.Bind(configuration.GetSection("KinesisAttrib"), options);

        var billing = options.Applications["billing"];
        Assert.Equal((4, true, "audit"), (billing.MaxRetryAttempts!.Value, billing.BisectBatchOnError!.Value, billing.FailureDestination));
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)), (billing.MaxRecordAge!.Value, billing.RetryDelay!.Value, billing.MaxRetryDelay!.Value));
        var error = Assert.Throws<InvalidOperationException>(() => KinesisAttribConfiguration.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KinesisAttrib:Applications:billing:BisectBatchOnError"] = "yes" }).Build().GetSection("KinesisAttrib"),
            new KinesisAttribOptions()));
        Assert.Contains("is not true or false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEnvelope_RoundTripsEveryField_AndKeepsBinaryDataIntact()
    {
        var record = new FailedRecord
        {
            ApplicationName = "billing",
            StreamName = "orders",
            ShardId = "shardId-000000000001",
            HandlerName = "Shop.Orders.OnOrder",
            Record = new KinesisClientRecord("49590338271490256608559692538361571095921575989136588898", 3, "key-1", new byte[] { 0, 0xFF, 0x80, 0x0A }, new DateTimeOffset(2025, 1, 31, 0, 0, 0, TimeSpan.Zero), explicitHashKey: "123", aggregated: true),
            Reason = FailureReason.HandlerFailed,
            Attempts = 4,
            ErrorType = "System.TimeoutException",
            ErrorMessage = "slow \"downstream\"",
            FailedAt = new DateTimeOffset(2025, 1, 31, 0, 0, 5, 120, TimeSpan.Zero),
        };

        var envelope = FailedRecordEnvelope.Read(FailedRecordEnvelope.Write(record));

        Assert.Equal(("billing", "orders", "shardId-000000000001", "Shop.Orders.OnOrder"), (envelope.ApplicationName, envelope.StreamName, envelope.ShardId, envelope.HandlerName));
        Assert.Equal(new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898", 3), envelope.Position);
        Assert.Equal(("key-1", "123"), (envelope.PartitionKey, envelope.ExplicitHashKey));
        Assert.Equal((FailureReason.HandlerFailed, 4, "System.TimeoutException", "slow \"downstream\""), (envelope.Reason, envelope.Attempts, envelope.ErrorType, envelope.ErrorMessage));
        Assert.Equal((record.ApproximateArrivalTimestamp, record.FailedAt), (envelope.ApproximateArrivalTimestamp, envelope.FailedAt));
        Assert.Equal(new byte[] { 0, 0xFF, 0x80, 0x0A }, envelope.Data);
        Assert.Throws<FormatException>(() => FailedRecordEnvelope.Read(Encoding.UTF8.GetBytes("""{"id":1}""")));
    }

    private static ProcessRecordsInput Input(ListCheckpointer checkpointer, params string[] payloads) => Input(checkpointer, DateTimeOffset.UtcNow, payloads);

    private static ProcessRecordsInput Input(ListCheckpointer checkpointer, DateTimeOffset arrival, params string[] payloads)
    {
        var records = payloads.Select((p, i) => new KinesisClientRecord((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), 0, "k", Encoding.UTF8.GetBytes(p), arrival)).ToList();
        checkpointer.LargestPermittedCheckpoint = records[^1].Position;
        return new ProcessRecordsInput(records, null, checkpointer);
    }

    /// <summary>Lets every wait elapse at once, and moves its clock on by the wait, so records age as they are retried.</summary>
    private sealed class AgingTimeProvider : TimeProvider
    {
        private readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private long _elapsedTicks;

        public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                Interlocked.Add(ref _elapsedTicks, dueTime.Ticks);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }

    /// <summary>Records each wait a timer is asked for and lets it elapse at once.</summary>
    private sealed class ImmediateTimeProvider : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays)
            {
                Delays.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
