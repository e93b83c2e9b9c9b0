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
}
