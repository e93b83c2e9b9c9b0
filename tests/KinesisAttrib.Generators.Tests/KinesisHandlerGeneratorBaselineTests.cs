using KinesisAttrib.Generators.Tests.TestSupport;

namespace KinesisAttrib.Generators.Tests;

/// <summary>Generated text against checked-in baselines; every run also asserts the output compiles without warnings.</summary>
public sealed class KinesisHandlerGeneratorBaselineTests
{
    [Fact]
    public void Generator_EmitsProcessorForInstanceHandlerWithJsonContext()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace Sample
            {
                public sealed record Order(string Id, decimal Amount);

                public sealed class OrderHandlers
                {
                    [KinesisHandler("orders", ApplicationName = "billing", InitialPosition = InitialPosition.Latest, JsonSerializerContext = typeof(OrderJsonContext))]
                    public Task OnOrderPlaced(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
                }

                {{TestSources.OrderJsonContext}}
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_EmitsProcessorForStaticHandlerWithoutJsonContext()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace Sample;

            public sealed class AuditEvent
            {
                public string? Kind { get; set; }
            }

            internal static class AuditHandlers
            {
                [KinesisHandler("audit")]
                internal static Task Archive(AuditEvent? audit, RecordContext record, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_EmitsOneProcessorPerHandlerForTwoHandlersInOneType()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace Sample;

            public sealed record Order(string Id);

            public sealed record OrderSnapshot(string Id, string[] Lines);

            public sealed class OrderHandlers
            {
                // Two applications on the same stream are independent consumers.
                [KinesisHandler("orders", ApplicationName = "billing")]
                public Task Bill(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                [KinesisHandler("orders", ApplicationName = "archive \"cold\"")]
                public Task Archive(OrderSnapshot snapshot, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """);

        Assert.Equal(3, output.Sources.Length);
        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_SanitizesNestedNamespaceAndTypeNames()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace Company.Orders.Streaming
            {
                public static class Outer
                {
                    public sealed class @event
                    {
                        [KinesisHandler("events")]
                        public Task Handle(Payload payload, RecordContext record, CancellationToken ct) => Task.CompletedTask;

                        public sealed record Payload(int Value);
                    }
                }
            }

            namespace Company.Orders
            {
                // Same processor base name as the handler above once dots become underscores: gets a suffix.
                public static class Streaming_Outer
                {
                    public sealed class @event
                    {
                        [KinesisHandler("events-2")]
                        public static Task Handle(long payload, RecordContext record, CancellationToken ct) => Task.CompletedTask;
                    }
                }
            }
            """);

        Baseline.Verify(output);
    }
    [Fact]
    public void Generator_EmitsBatchHandlersOfPayloadsAndOfRecords()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}
            using System.Collections.Generic;
            using KinesisAttrib.Processing;

            namespace Sample;

            public sealed record Order(string Id);

            public interface IOrderStore { Task SaveAsync(IReadOnlyList<Order> orders, CancellationToken ct); }

            public sealed class BatchHandlers
            {
                [KinesisHandler("orders", ApplicationName = "bulk")]
                public Task SaveAll(IReadOnlyList<Order> orders, IOrderStore store, CancellationToken ct) => store.SaveAsync(orders, ct);

                [KinesisHandler("orders", ApplicationName = "partial")]
                public static async ValueTask<BatchResult> Partial(IReadOnlyList<KinesisRecord<Order>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer)
                {
                    await Task.Yield();
                    return records.Count > 1 ? BatchResult.FailedAt(1) : BatchResult.Success;
                }

                [KinesisHandler("orders", ApplicationName = "sync")]
                public static BatchResult Sync(IReadOnlyList<Order> orders) => BatchResult.Success;

                [KinesisHandler("orders", ApplicationName = "void")]
                public static void Count(BatchContext batch, IReadOnlyList<Order> orders) { }

                [KinesisHandler("orders", ApplicationName = "task-result")]
                public static Task<BatchResult> TaskResult(IReadOnlyList<Order> orders) => Task.FromResult(BatchResult.Success);

                [KinesisHandler("orders", ApplicationName = "value-task")]
                public static ValueTask Vt(IReadOnlyList<Order> orders) => default;
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_EmitsPerRecordHandlersWithParametersInAnyOrderAndEveryReturnType()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}
            using KinesisAttrib.Processing;

            namespace Sample;

            public sealed record Order(string Id);

            public interface IClock { }

            public static class RecordHandlers
            {
                [KinesisHandler("orders", ApplicationName = "a")]
                public static void Minimal(Order order) { }

                [KinesisHandler("orders", ApplicationName = "b")]
                public static ValueTask Reordered(CancellationToken ct, IClock clock, RecordContext record, Order order, BatchContext batch, IRecordProcessorCheckpointer checkpointer, System.IServiceProvider services) => default;
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_EmitsEveryPayloadFormat()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}
            using System;
            using KinesisAttrib.Processing;

            namespace Sample;

            public sealed record Order(string Id);

            public sealed class OrderDeserializer : IRecordDeserializer<Order>
            {
                public Order Deserialize(KinesisClientRecord record) => new(record.PartitionKey);
            }

            public static class FormatHandlers
            {
                [KinesisHandler("s", ApplicationName = "text")]
                public static void Text(string text) { }

                [KinesisHandler("s", ApplicationName = "json-text", PayloadFormat = PayloadFormat.Json)]
                public static void JsonText(string text) { }

                [KinesisHandler("s", ApplicationName = "bytes")]
                public static void Bytes(byte[] bytes) { }

                [KinesisHandler("s", ApplicationName = "memory", PayloadFormat = PayloadFormat.Bytes)]
                public static void Memory(ReadOnlyMemory<byte> bytes) { }

                [KinesisHandler("s", ApplicationName = "raw")]
                public static void Raw(KinesisClientRecord record) { }

                [KinesisHandler("s", ApplicationName = "custom", Deserializer = typeof(OrderDeserializer))]
                public static void Custom(Order order) { }
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_MergesAssemblyDefaultsUnderHandlerSettings()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            [assembly: KinesisHandlerDefaults(ApplicationName = "shop", JsonSerializerContext = typeof(Sample.OrderJsonContext), MaxRecords = 500,
                CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100, CheckpointIntervalSeconds = 30, JsonPropertyNamesCaseSensitive = true)]

            namespace Sample
            {
                public sealed record Order(string Id);

                public static class DefaultedHandlers
                {
                    [KinesisHandler("orders")]
                    public static void Inherits(Order order) { }

                    [KinesisHandler("orders", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual,
                        IdleTimeBetweenReadsMilliseconds = 250, InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = "2025-01-31T00:00:00Z",
                        DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog, JsonPropertyNamesCaseSensitive = false)]
                    public static void Overrides(Order order, KinesisAttrib.Handlers.IRecordProcessorCheckpointer checkpointer) { }
                }

                {{TestSources.OrderJsonContext}}
            }
            """);

        Baseline.Verify(output);
    }

    [Fact]
    public void Generator_EmitsTheFailurePolicy_FromTheAttributeOverTheAssemblyDefaults()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}
            using System.Collections.Generic;

            [assembly: KinesisHandlerDefaults(ApplicationName = "shop", JsonSerializerContext = typeof(Sample.OrderJsonContext),
                MaxRetryAttempts = 3, RetryDelayMilliseconds = 200, FailureDestination = "failed-orders")]

            namespace Sample
            {
                public sealed record Order(string Id);

                public static class FailingHandlers
                {
                    [KinesisHandler("orders")]
                    public static void Inherits(Order order) { }

                    [KinesisHandler("orders", ApplicationName = "bisect", MaxRetryAttempts = -1, BisectBatchOnError = true, MaxRecordAgeSeconds = 3600,
                        MaxRetryDelayMilliseconds = 5000, FailureDestination = "audit")]
                    public static void Batch(IReadOnlyList<Order> orders) { }
                }

                {{TestSources.OrderJsonContext}}
            }
            """);

        Baseline.Verify(output);
    }
}
