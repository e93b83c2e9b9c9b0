using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// Legal user code at the edges of the handler rules, compiled (warnings are failures), loaded and run: nullable and
/// optional services, nullable payloads, the global namespace, nested types, records, user types named like the
/// runtime's, keyword names, several handlers in one partial class across files.
/// </summary>
public sealed class GeneratedEdgeCaseExecutionTests : IDisposable
{
    private const string ShardId = "shardId-000000000002";

    private const string GlobalSource = """
        using System.Threading.Tasks;
        using KinesisAttrib.Handlers;
        using KinesisAttrib.Generators.Tests.TestSupport;

        public sealed record GlobalOrder(string Id);

        public static class GlobalHandlers
        {
            [KinesisHandler("edge", ApplicationName = "global")]
            public static Task OnGlobal(GlobalOrder order, HandlerLog log)
            {
                log.Add(new HandledRecord("OnGlobal", order.Id, "", "", "", "", 0, "", false));
                return Task.CompletedTask;
            }
        }
        """;

    private const string EdgeSource = """
        using System.Collections.Generic;
        using System.Linq;
        using KinesisAttrib.Handlers;
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace Edge
        {
            // User types named like the runtime's and the framework's: generated code must not bind to them.
            public sealed class RecordContext { }
            public sealed class Task { }
            public sealed class ValueTask { }
            public sealed class BatchResult { }

            public sealed record Order(string Id);

            public interface IRegistered { string Name { get; } }
            public sealed class Registered : IRegistered { public string Name => "registered"; }
            public interface IMissing { }

            public sealed partial class Handlers(HandlerLog log)
            {
                private void Add(string handler, string payload, string extra = "") => log.Add(new HandledRecord(handler, payload, extra, "", "", "", 0, "", false));

                [KinesisHandler("edge", ApplicationName = "nullable-services")]
                public System.Threading.Tasks.Task NullableServices(Order order, IRegistered? registered, IMissing? missing, IMissing? defaulted = null)
                {
                    Add("NullableServices", order.Id, $"{registered?.Name ?? "null"},{(missing is null ? "null" : "set")},{(defaulted is null ? "null" : "set")}");
                    return System.Threading.Tasks.Task.CompletedTask;
                }

                [KinesisHandler("edge", ApplicationName = "nullable-payload")]
                public void NullablePayload(Order? order, KinesisAttrib.Handlers.RecordContext record) => Add("NullablePayload", order?.Id ?? "null", record.SequenceNumber);

                [KinesisHandler("edge", ApplicationName = "nullable-batch")]
                public KinesisAttrib.Handlers.BatchResult NullableBatch(IReadOnlyList<Order?> orders)
                {
                    Add("NullableBatch", string.Join(",", orders.Select(o => o?.Id ?? "null")));
                    return KinesisAttrib.Handlers.BatchResult.Success;
                }

                [KinesisHandler("edge", ApplicationName = "manual-each", CheckpointMode = CheckpointMode.Manual)]
                public async System.Threading.Tasks.Task ManualEach(Order order, KinesisAttrib.Handlers.IRecordProcessorCheckpointer checkpointer)
                {
                    if (order.Id == "bad")
                    {
                        throw new System.InvalidOperationException("bad order");
                    }

                    Add("ManualEach", order.Id);
                    await checkpointer.CheckpointAsync();
                }

                [KinesisHandler("edge", ApplicationName = "nullable-value")]
                public void NullableValue(int? value) => Add("NullableValue", value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null");
            }

            public sealed record RecordHandlers(HandlerLog Log)
            {
                [KinesisHandler("edge", ApplicationName = "record-type")]
                public void @event(Order @class) => Log.Add(new HandledRecord("event", @class.Id, "", "", "", "", 0, "", false));
            }

            public static class Outer
            {
                internal static class Inner
                {
                    [KinesisHandler("edge", ApplicationName = "nested")]
                    internal static void Nested(Order order, HandlerLog log) => log.Add(new HandledRecord("Nested", order.Id, "", "", "", "", 0, "", false));
                }
            }
        }
        """;

    private const string PartialSource = """
        using KinesisAttrib.Handlers;
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace Edge
        {
            public sealed partial class Handlers
            {
                [KinesisHandler("edge", ApplicationName = "other-file")]
                public void OtherFile(Order order) => Add("OtherFile", order.Id);
            }
        }
        """;

    private static readonly Lazy<LoadedAssembly> s_loaded = new(() =>
        LoadedAssembly.Load(GeneratorHarness.Run([GlobalSource, EdgeSource, PartialSource], nameof(GeneratedEdgeCaseExecutionTests)).OutputCompilation));

    private readonly HandlerLog _log = new();
    private readonly ServiceProvider _provider;
    private readonly FakeCheckpointer _checkpointer = new(ShardId);

    public GeneratedEdgeCaseExecutionTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_log);
        var assembly = s_loaded.Value;
        services.AddSingleton(assembly.GetType("Edge.IRegistered"), assembly.GetType("Edge.Registered"));
        assembly.GetType("Microsoft.Extensions.DependencyInjection.KinesisAttribGeneratedRegistrations").GetMethod("AddKinesisHandlers")!.Invoke(null, [services]);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public void Dispose() => _provider.Dispose();

    [Fact]
    public async Task NullableServiceParameters_AreOptional_NullWhenNotRegistered()
    {
        await RunAsync("Edge.Handlers.NullableServices", Json("1", "a"));

        var entry = Assert.Single(_log.Records);
        Assert.Equal(("a", "registered,null,null"), (entry.Payload, entry.StreamName));
    }

    [Fact]
    public async Task NullablePayload_ReceivesJsonNullAsNull()
    {
        await RunAsync("Edge.Handlers.NullablePayload", Json("1", "a"), Raw("2", "null"));

        Assert.Equal(["a", "null"], _log.Records.Select(r => r.Payload));
        Assert.Equal([new ExtendedSequenceNumber("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task NullableBatchPayload_ReceivesJsonNullAsNull()
    {
        await RunAsync("Edge.Handlers.NullableBatch", Json("1", "a"), Raw("2", "null"));

        Assert.Equal(["a,null"], _log.Records.Select(r => r.Payload));
    }

    [Fact]
    public async Task NullableValueTypePayload_ReceivesJsonNullAsNull()
    {
        await RunAsync("Edge.Handlers.NullableValue", Raw("1", "7"), Raw("2", "null"));

        Assert.Equal(["7", "null"], _log.Records.Select(r => r.Payload));
    }

    [Fact]
    public async Task ManualPerRecordHandler_CheckpointingEverythingDelivered_DoesNotSkipTheRestOfTheBatch()
    {
        _checkpointer.LargestPermittedCheckpoint = new ExtendedSequenceNumber("3");

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync("Edge.Handlers.ManualEach", Json("1", "a"), Json("2", "bad"), Json("3", "c")));

        // Record 2 failed: the shard resumes at it, so nothing past record 1 may be checkpointed.
        Assert.Equal([new ExtendedSequenceNumber("1")], _checkpointer.Checkpoints);
    }

    [Theory]
    [InlineData("GlobalHandlers.OnGlobal", "OnGlobal")]
    [InlineData("Edge.RecordHandlers.event", "event")]
    [InlineData("Edge.Outer.Inner.Nested", "Nested")]
    [InlineData("Edge.Handlers.OtherFile", "OtherFile")]
    public async Task HandlersInTheGlobalNamespaceNestedTypesRecordsAndPartialClasses_Run(string handler, string logged)
    {
        await RunAsync(handler, Json("1", "a"));

        var entry = Assert.Single(_log.Records);
        Assert.Equal((logged, "a"), (entry.Handler, entry.Payload));
    }

    private async Task RunAsync(string handler, params KinesisClientRecord[] records)
    {
        var descriptor = Assert.Single(_provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handler);
        var processor = descriptor.CreateProcessor(_provider, descriptor.Settings);
        await processor.InitializeAsync(new InitializationInput(new ShardContext(descriptor.Settings.ApplicationName!, descriptor.Settings.StreamName, ShardId, "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput(records, 0, _checkpointer), CancellationToken.None);
    }

    private static KinesisClientRecord Json(string sequenceNumber, string id) => Raw(sequenceNumber, $$"""{"id":"{{id}}"}""");

    private static KinesisClientRecord Raw(string sequenceNumber, string text) =>
        new(sequenceNumber, 0, "pk-" + sequenceNumber, Encoding.UTF8.GetBytes(text), DateTimeOffset.UnixEpoch);
}
