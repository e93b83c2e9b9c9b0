using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>The generated code compiled, loaded and run: registration, DI, decoding, handler calls and checkpoints.</summary>
public sealed class GeneratedProcessorExecutionTests
{
    private const string ShardId = "shardId-000000000007";

    private static readonly string s_handlers = $$"""
        {{TestSources.Usings}}
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace Sample.Orders
        {
            public sealed record Order(string Id, decimal Amount);

            public sealed class AuditEvent
            {
                public string Kind { get; set; } = "";
            }

            public sealed class OrderHandlers(HandlerLog log)
            {
                [KinesisHandler("orders", ApplicationName = "billing", JsonSerializerContext = typeof(OrderJsonContext))]
                public Task OnOrderPlaced(Order order, RecordContext record, CancellationToken ct)
                {
                    log.Add(new HandledRecord(nameof(OnOrderPlaced), $"{order.Id}:{order.Amount}", record.StreamName, record.ApplicationName,
                        record.ShardId, record.SequenceNumber, record.SubSequenceNumber, record.PartitionKey, ct.CanBeCanceled));
                    return Task.CompletedTask;
                }
            }

            public static class AuditHandlers
            {
                public static HandlerLog? Log;

                [KinesisHandler("audit", InitialPosition = InitialPosition.Latest)]
                public static async Task Archive(AuditEvent audit, RecordContext record, CancellationToken ct)
                {
                    await Task.Yield();
                    Log!.Add(new HandledRecord(nameof(Archive), audit.Kind, record.StreamName, record.ApplicationName,
                        record.ShardId, record.SequenceNumber, record.SubSequenceNumber, record.PartitionKey, ct.CanBeCanceled));
                }
            }

            {{TestSources.OrderJsonContext}}
        }
        """;

    [Fact]
    public async Task GeneratedRegistration_AddsOneDescriptorPerHandlerAndTheHandlerTypeAsScoped()
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers).OutputCompilation);
        var services = AddKinesisHandlers(loaded, new HandlerLog());

        var handlerType = loaded.GetType("Sample.Orders.OrderHandlers");
        var registration = Assert.Single(services, d => d.ServiceType == handlerType);
        Assert.Equal(ServiceLifetime.Scoped, registration.Lifetime);

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var descriptors = provider.GetServices<KinesisHandlerDescriptor>().ToList();
        Assert.Collection(
            descriptors,
            audit =>
            {
                Assert.Equal("audit", audit.Settings.StreamName);
                Assert.Null(audit.Settings.ApplicationName);
                Assert.Equal(InitialPosition.Latest, audit.Settings.InitialPosition);
                Assert.Equal("Sample.Orders.AuditHandlers.Archive", audit.Settings.HandlerName);
            },
            orders =>
            {
                Assert.Equal("orders", orders.Settings.StreamName);
                Assert.Equal("billing", orders.Settings.ApplicationName);
                Assert.Equal(InitialPosition.TrimHorizon, orders.Settings.InitialPosition);
                Assert.Equal("Sample.Orders.OrderHandlers.OnOrderPlaced", orders.Settings.HandlerName);
            });
    }

    [Fact]
    public async Task GeneratedProcessor_DeliversTypedPayloadsInOrderAndCheckpointsAfterTheBatch()
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers).OutputCompilation);
        var log = new HandlerLog();
        await using var provider = AddKinesisHandlers(loaded, log).BuildServiceProvider(validateScopes: true);
        var processor = CreateProcessor(provider, "Sample.Orders.OrderHandlers.OnOrderPlaced");
        await processor.InitializeAsync(new InitializationInput(new ShardContext("billing", "orders", ShardId, "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);

        var checkpointer = new FakeCheckpointer(ShardId);
        using var cts = new CancellationTokenSource();
        await processor.ProcessRecordsAsync(
            new ProcessRecordsInput(
                [
                    Record("49590338271490256608559692538361571095921575989136588801", """{"id":"o-1","amount":12.5}""", "customer-1"),
                    Record("49590338271490256608559692538361571095921575989136588802", """{"id":"o-2","amount":3}""", "customer-2", subSequenceNumber: 4),
                    Record("49590338271490256608559692538361571095921575989136588803", """{"Id":"o-3","Amount":0.25}""", "customer-1"),
                ],
                MillisBehindLatest: 0,
                checkpointer),
            cts.Token);

        Assert.Collection(
            log.Records,
            r => Assert.Equal(new HandledRecord("OnOrderPlaced", "o-1:12.5", "orders", "billing", ShardId, "49590338271490256608559692538361571095921575989136588801", 0, "customer-1", true), r),
            r => Assert.Equal(new HandledRecord("OnOrderPlaced", "o-2:3", "orders", "billing", ShardId, "49590338271490256608559692538361571095921575989136588802", 4, "customer-2", true), r),
            r => Assert.Equal(new HandledRecord("OnOrderPlaced", "o-3:0.25", "orders", "billing", ShardId, "49590338271490256608559692538361571095921575989136588803", 0, "customer-1", true), r));
        var checkpoint = Assert.Single(checkpointer.Checkpoints);
        Assert.Equal(new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588803"), checkpoint);
    }

    [Fact]
    public async Task GeneratedProcessor_ForStaticHandlerWithoutJsonContextUsesReflectionBasedJson()
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers).OutputCompilation);
        var log = new HandlerLog();
        loaded.GetType("Sample.Orders.AuditHandlers").GetField("Log")!.SetValue(null, log);
        await using var provider = AddKinesisHandlers(loaded, new HandlerLog()).BuildServiceProvider(validateScopes: true);
        var processor = CreateProcessor(provider, "Sample.Orders.AuditHandlers.Archive");
        await processor.InitializeAsync(new InitializationInput(new ShardContext("auditor", "audit", ShardId, "worker-1"), ExtendedSequenceNumber.Latest), CancellationToken.None);

        var checkpointer = new FakeCheckpointer(ShardId);
        await processor.ProcessRecordsAsync(
            new ProcessRecordsInput([Record("101", """{"kind":"login"}""", "user-1"), Record("102", """{"KIND":"logout"}""", "user-2")], null, checkpointer),
            CancellationToken.None);

        Assert.Equal(["login", "logout"], log.Records.Select(r => r.Payload));
        Assert.All(log.Records, r => Assert.Equal(("audit", "auditor"), (r.StreamName, r.ApplicationName)));
        Assert.Equal([new ExtendedSequenceNumber("102")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task GeneratedProcessor_OnInvalidJsonThrowsNamingTheRecordAndCheckpointsTheRecordsBeforeIt()
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers).OutputCompilation);
        var log = new HandlerLog();
        await using var provider = AddKinesisHandlers(loaded, log).BuildServiceProvider(validateScopes: true);
        var processor = CreateProcessor(provider, "Sample.Orders.OrderHandlers.OnOrderPlaced");
        await processor.InitializeAsync(new InitializationInput(new ShardContext("billing", "orders", ShardId, "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);

        var checkpointer = new FakeCheckpointer(ShardId);
        var input = new ProcessRecordsInput(
            [
                Record("201", """{"id":"o-1","amount":1}""", "k"),
                Record("202", """{"id":"o-2","amount":2}""", "k"),
                Record("203", "{not json", "k"),
                Record("204", """{"id":"o-4","amount":4}""", "k"),
            ],
            null,
            checkpointer);

        var exception = await Assert.ThrowsAsync<RecordDeserializationException>(() => processor.ProcessRecordsAsync(input, CancellationToken.None).AsTask());

        Assert.Equal(new ExtendedSequenceNumber("203"), exception.Position);
        Assert.Contains("203", exception.Message, StringComparison.Ordinal);
        Assert.Equal((ShardId, "orders"), (exception.ShardId, exception.StreamName));
        Assert.Equal("Sample.Orders.Order", exception.PayloadType.FullName);
        Assert.Equal(["o-1:1", "o-2:2"], log.Records.Select(r => r.Payload));
        Assert.Equal([new ExtendedSequenceNumber("202")], checkpointer.Checkpoints);
    }

    private static ServiceCollection AddKinesisHandlers(LoadedAssembly loaded, HandlerLog log)
    {
        var services = new ServiceCollection();
        services.AddSingleton(log);
        var registrations = loaded.GetType("Microsoft.Extensions.DependencyInjection.KinesisAttribGeneratedRegistrations");
        var returned = registrations.GetMethod("AddKinesisHandlers")!.Invoke(null, [services]);
        Assert.Same(services, returned);
        return services;
    }

    private static IShardRecordProcessor CreateProcessor(IServiceProvider provider, string handlerName)
    {
        var descriptor = Assert.Single(provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handlerName);
        return descriptor.CreateProcessor(provider, descriptor.Settings);
    }

    private static KinesisClientRecord Record(string sequenceNumber, string json, string partitionKey, long subSequenceNumber = 0) =>
        new(sequenceNumber, subSequenceNumber, partitionKey, Encoding.UTF8.GetBytes(json), DateTimeOffset.UnixEpoch, aggregated: subSequenceNumber != 0);
}
