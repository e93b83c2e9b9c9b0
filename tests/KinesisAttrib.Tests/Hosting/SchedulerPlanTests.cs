using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Hosting;

/// <summary>How the host turns handlers and options into schedulers: applications, streams, lease tables, overrides, validation.</summary>
public sealed class SchedulerPlanTests
{
    private static readonly IServiceProvider s_services = new ServiceCollection().BuildServiceProvider();

    private static KinesisHandlerDescriptor Handler(string name, string? application, string stream = "orders", int? maxRecords = null, TimeSpan? idle = null, InitialPosition initialPosition = InitialPosition.TrimHorizon) => new()
    {
        Settings = new HandlerSettings { StreamName = stream, ApplicationName = application, HandlerName = name, MaxRecords = maxRecords, IdleTimeBetweenReads = idle, InitialPosition = initialPosition },
        CreateProcessor = (_, _) => throw new InvalidOperationException("not started"),
    };

    [Fact]
    public void Plan_AppliesGlobalThenHandlerThenApplicationSettings_ToACopyPerScheduler()
    {
        var options = new KinesisAttribOptions { MaxRecords = 1000, IdleTimeBetweenReads = TimeSpan.FromSeconds(1) };
        options.Applications["tuned"] = new KinesisApplicationOptions { MaxRecords = 10, ProcessingRetryDelay = TimeSpan.FromSeconds(7) };

        var plans = SchedulerPlanner.Plan(
            [Handler("Plain", "plain"), Handler("FromAttribute", "attribute", maxRecords: 200, idle: TimeSpan.FromMilliseconds(50)), Handler("Tuned", "tuned", maxRecords: 200)],
            options,
            s_services);

        Assert.Equal((1000, TimeSpan.FromSeconds(1)), (plans[0].Scheduler.Consumer.MaxRecords, plans[0].Scheduler.Consumer.IdleTimeBetweenReads));
        Assert.Equal((200, TimeSpan.FromMilliseconds(50)), (plans[1].Scheduler.Consumer.MaxRecords, plans[1].Scheduler.Consumer.IdleTimeBetweenReads));
        Assert.Equal((10, TimeSpan.FromSeconds(7)), (plans[2].Scheduler.Consumer.MaxRecords, plans[2].Scheduler.Consumer.ProcessingRetryDelay));
        Assert.Equal(1000, options.MaxRecords);
        Assert.NotSame(plans[0].Scheduler, plans[1].Scheduler);
    }

    [Fact]
    public void Plan_TakesTheRetrievalMode_FromTheOptionsThenTheHandlerThenTheApplication_WithTheFanOutConsumer()
    {
        var options = new KinesisAttribOptions { RetrievalMode = RetrievalMode.FanOut, MaxReadAheadBatches = 5, FanOutConsumerName = "everyone" };
        options.Applications["polled"] = new KinesisApplicationOptions { RetrievalMode = RetrievalMode.Polling, MaxReadAheadBatches = 0 };
        options.Applications["named"] = new KinesisApplicationOptions { FanOutConsumerName = "billing-efo", FanOutConsumerArn = "arn:aws:kinesis:us-east-1:1:stream/orders/consumer/x:1" };
        var attribute = Handler("FromAttribute", "attribute");
        attribute = attribute with { Settings = attribute.Settings with { RetrievalMode = RetrievalMode.Polling } };

        var plans = SchedulerPlanner.Plan([Handler("Default", "default"), attribute, Handler("Polled", "polled"), Handler("Named", "named")], options, s_services);
        var retrieval = plans.Select(p => p.Scheduler.Consumer.Retrieval).ToList();

        Assert.Equal([RetrievalMode.FanOut, RetrievalMode.Polling, RetrievalMode.Polling, RetrievalMode.FanOut], retrieval.Select(r => r.Mode));
        Assert.Equal([5, 5, 0, 5], retrieval.Select(r => r.ReadAhead.MaxBatches));
        Assert.Equal(["everyone", "everyone", "everyone", "billing-efo"], retrieval.Select(r => r.ConsumerName));
        Assert.Equal([null, null, null, "arn:aws:kinesis:us-east-1:1:stream/orders/consumer/x:1"], retrieval.Select(r => r.ConsumerArn));
        Assert.Equal(RetrievalMode.Polling, plans[1].Handler.RetrievalMode);
    }

    [Fact]
    public void Plan_GivesAnApplicationOnSeveralStreamsOneLeaseTablePerStream_AndASingleStreamApplicationItsName()
    {
        var options = new KinesisAttribOptions();
        options.StreamNames["orders"] = "orders-prod";

        var plans = SchedulerPlanner.Plan([Handler("A", "shop"), Handler("B", "shop", stream: "audit"), Handler("C", "archive")], options, s_services);

        Assert.Equal(
            [("shop", "orders-prod", "shop-orders-prod"), ("shop", "audit", "shop-audit"), ("archive", "orders-prod", "archive")],
            plans.Select(p => (p.Application, p.Stream, p.LeaseTable)));
    }

    [Fact]
    public void Plan_RefusesAnInvalidOverride_NamingHandlerApplicationAndOption()
    {
        var options = new KinesisAttribOptions();
        options.Applications["billing"] = new KinesisApplicationOptions { MaxRecords = 20_000 };

        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([Handler("Bill", "billing")], options, s_services));

        Assert.Contains("Bill", error.Message, StringComparison.Ordinal);
        Assert.Contains("'billing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRecords", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesOverridesForAnApplicationNoHandlerUses()
    {
        var options = new KinesisAttribOptions();
        options.Applications["biling"] = new KinesisApplicationOptions { MaxRecords = 5 };

        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([Handler("Bill", "billing")], options, s_services));

        Assert.Contains("Applications:biling", error.Message, StringComparison.Ordinal);
        Assert.Contains("billing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesAtTimestampWithoutATimestamp()
    {
        var handler = Handler("Replay", "replay", initialPosition: InitialPosition.AtTimestamp);

        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([handler], new KinesisAttribOptions(), s_services));

        Assert.Contains("Replay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesTwoHandlersSharingALeaseTable()
    {
        var options = new KinesisAttribOptions();
        options.Applications["a"] = new KinesisApplicationOptions { LeaseTableName = "shared" };
        options.Applications["b"] = new KinesisApplicationOptions { LeaseTableName = "shared" };

        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([Handler("A", "a"), Handler("B", "b")], options, s_services));

        Assert.Contains("'shared'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_GivesEachStreamOfAMultiStreamApplicationItsOwnTable_WithBareShardKeys()
    {
        var plans = SchedulerPlanner.Plan([Handler("Orders", "app", "orders"), Handler("Audit", "app", "audit")], new KinesisAttribOptions(), s_services);

        Assert.Equal(["app-orders", "app-audit"], plans.Select(p => p.LeaseTable));
        Assert.All(plans, p => Assert.False(p.MultiStreamLeaseKeys));
    }

    [Fact]
    public void Plan_PrefixesLeaseKeysWithTheStream_WhenOneApplicationPutsSeveralStreamsInOneConfiguredTable()
    {
        var options = new KinesisAttribOptions();
        options.Applications["app"] = new KinesisApplicationOptions { LeaseTableName = "app-leases" };

        var plans = SchedulerPlanner.Plan([Handler("Orders", "app", "orders"), Handler("Audit", "app", "audit"), Handler("Other", "other", "orders")], options, s_services);

        Assert.Equal(["app-leases", "app-leases", "other"], plans.Select(p => p.LeaseTable));
        Assert.Equal([true, true, false], plans.Select(p => p.MultiStreamLeaseKeys));
    }

    [Fact]
    public void Plan_GivesTheHandlerItsEffectiveSettings_WithTheApplicationsFailurePolicyOverrides()
    {
        var options = new KinesisAttribOptions { MaxRecords = 1000 };
        options.StreamNames["orders"] = "orders-prod";
        options.Applications["billing"] = new KinesisApplicationOptions { MaxRetryAttempts = 5, RetryDelay = TimeSpan.FromSeconds(2), FailureDestination = "audit" };
        using var services = new ServiceCollection().AddKinesisFailureDestination(_ => new RecordingDestination(), "audit").BuildServiceProvider();
        var handler = Handler("Bill", "billing", maxRecords: 200);
        var declared = handler.Settings with { MaxRetryAttempts = 3, BisectBatchOnError = true };

        var plan = Assert.Single(SchedulerPlanner.Plan([handler with { Settings = declared }], options, services));

        Assert.Equal(
            ("billing", "orders-prod", 200, 5, true, TimeSpan.FromSeconds(2), "audit"),
            (plan.Handler.ApplicationName, plan.Handler.StreamName, plan.Handler.MaxRecords, plan.Handler.MaxRetryAttempts, plan.Handler.BisectBatchOnError, plan.Handler.RetryDelay, plan.Handler.FailureDestination));
        Assert.Equal(3, declared.MaxRetryAttempts);
    }

    [Fact]
    public void Plan_RefusesAFailurePolicyOverrideThatNamesAnUnregisteredDestination()
    {
        var options = new KinesisAttribOptions();
        options.Applications["billing"] = new KinesisApplicationOptions { FailureDestination = "audit" };

        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([Handler("Bill", "billing")], options, s_services));

        Assert.Contains("Handler Bill (application 'billing')", error.Message, StringComparison.Ordinal);
        Assert.Contains("keyed IFailedRecordDestination 'audit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesAnOutOfRangeFailurePolicyOverride_NamingTheHandler()
    {
        var options = new KinesisAttribOptions();
        options.Applications["billing"] = new KinesisApplicationOptions { MaxRetryAttempts = -2 };

        var error = Assert.Throws<ArgumentException>(() => SchedulerPlanner.Plan([Handler("Bill", "billing")], options, s_services));

        Assert.Contains("Handler Bill: MaxRetryAttempts is -2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesAHandlerThatNamesNoStream()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SchedulerPlanner.Plan([Handler("Nowhere", "app", stream: "")], new KinesisAttribOptions(), s_services));

        Assert.Contains("Nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runtime_RunsOneApplicationOnTwoStreams_EachWithItsOwnLeaseTable()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await kinesis.CreateStreamAsync("audit", 1);
        foreach (var stream in new[] { "orders", "audit" })
        {
            await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = Enumerable.Range(0, 5).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"{stream}{i}"), PartitionKey = $"k{i}" }).ToList() });
        }

        var leases = new InMemoryLeaseStoreFactory();
        var orders = new RecordingSink();
        var audit = new RecordingSink();
        var builder = RuntimeHost.CreateBuilder(kinesis, leases);
        builder.Services.AddKinesisHandler(Handler("Orders", "shop") with { CreateProcessor = (_, _) => new RecordingProcessor(orders) });
        builder.Services.AddKinesisHandler(Handler("Audit", "shop", stream: "audit") with { CreateProcessor = (_, _) => new RecordingProcessor(audit) });
        using var host = builder.Build();

        await host.StartAsync();
        await Task.WhenAll(orders.WhenCountReaches(5, TimeSpan.FromSeconds(30)), audit.WhenCountReaches(5, TimeSpan.FromSeconds(30)));
        await host.StopAsync();

        Assert.Single(await leases.Create("shop-orders").ListLeasesAsync());
        Assert.Single(await leases.Create("shop-audit").ListLeasesAsync());
    }
}
