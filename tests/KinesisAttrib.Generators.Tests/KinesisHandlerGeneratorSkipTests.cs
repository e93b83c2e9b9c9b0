using KinesisAttrib.Generators.Tests.TestSupport;

namespace KinesisAttrib.Generators.Tests;

/// <summary>What the generator does not understand yields no output (the analyzers explain why), and never broken code.</summary>
public sealed class KinesisHandlerGeneratorSkipTests
{
    [Theory]
    [InlineData("Memory<byte> payload (ambiguous: no copy or a copy?)", "public void M(System.Memory<byte> bytes) { }")]
    [InlineData("no payload", "public Task M(RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("ref parameter", "public Task M(ref Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("returns Task<T>", "public Task<int> M(Order order, RecordContext record, CancellationToken ct) => Task.FromResult(1);")]
    [InlineData("returns int", "public int M(Order order) => 1;")]
    [InlineData("per-record handler returns BatchResult", "public BatchResult M(Order order) => BatchResult.Success;")]
    [InlineData("batch handler takes a RecordContext", "public Task M(System.Collections.Generic.IReadOnlyList<Order> orders, RecordContext record) => Task.CompletedTask;")]
    [InlineData("generic method", "public Task M<T>(T order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("private method", "private Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("second payload of the payload's type", "public Task M(Order order, Order other) => Task.CompletedTask;")]
    [InlineData("second payload of a payload-only type", "public Task M(Order order, string rawJson) => Task.CompletedTask;")]
    [InlineData("in parameter", "public Task M(in Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("context that is not a JsonSerializerContext", "[KinesisHandler(\"s\", JsonSerializerContext = typeof(Order))] public Task N(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("PayloadFormat.Text on a non-string payload", "[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Text)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("PayloadFormat.Record on a string payload", "[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Record)] public Task N(string order) => Task.CompletedTask;")]
    [InlineData("Periodic without a limit", "[KinesisHandler(\"s\", CheckpointMode = CheckpointMode.Periodic)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("limits without Periodic", "[KinesisHandler(\"s\", CheckpointEveryRecords = 10)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("AtTimestamp without a timestamp", "[KinesisHandler(\"s\", InitialPosition = InitialPosition.AtTimestamp)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("unparsable timestamp", "[KinesisHandler(\"s\", InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = \"yesterday\")] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("MaxRecords out of range", "[KinesisHandler(\"s\", MaxRecords = 10001)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("MaxRetryAttempts below -1", "[KinesisHandler(\"s\", MaxRetryAttempts = -2)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("negative MaxRecordAgeSeconds", "[KinesisHandler(\"s\", MaxRecordAgeSeconds = -1)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("negative RetryDelayMilliseconds", "[KinesisHandler(\"s\", RetryDelayMilliseconds = -1)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("negative MaxRetryDelayMilliseconds", "[KinesisHandler(\"s\", MaxRetryDelayMilliseconds = -1)] public Task N(Order order) => Task.CompletedTask;")]
    [InlineData("deserializer for another type", "[KinesisHandler(\"s\", Deserializer = typeof(TextDeserializer))] public Task N(Order order) => Task.CompletedTask; } public sealed class TextDeserializer : KinesisAttrib.Handlers.IRecordDeserializer<string> { public string Deserialize(KinesisAttrib.Handlers.KinesisClientRecord record) => \"\"; ")]
    [InlineData("deserializer and payload format", "[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Json, Deserializer = typeof(OrderDeserializer))] public Task N(Order order) => Task.CompletedTask; } public sealed class OrderDeserializer : KinesisAttrib.Handlers.IRecordDeserializer<Order> { public Order Deserialize(KinesisAttrib.Handlers.KinesisClientRecord record) => new(\"x\"); ")]
    public void Generator_SkipsUnsupportedHandlerShapes(string why, string member)
    {
        var attribute = member.StartsWith('[') ? "" : "[KinesisHandler(\"s\")] ";
        var output = GeneratorHarness.Run(Source($$"""
            public sealed class Handlers
            {
                {{attribute}}{{member}}
            }
            """));

        Assert.True(output.Sources.IsEmpty, $"{why}: generated {string.Join(", ", output.Sources.Select(s => s.HintName))}");
    }

    [Theory]
    [InlineData("generic type", "public sealed class Handlers<T> { [KinesisHandler(\"s\")] public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask; }")]
    [InlineData("private nested type", "public static class Outer { private sealed class Handlers { [KinesisHandler(\"s\")] public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask; } }")]
    [InlineData("abstract type, instance method", "public abstract class Handlers { [KinesisHandler(\"s\")] public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask; }")]
    [InlineData("struct", "public struct Handlers { [KinesisHandler(\"s\")] public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask; }")]
    public void Generator_SkipsUnsupportedHandlerTypes(string why, string type)
    {
        var output = GeneratorHarness.Run(Source(type));

        Assert.True(output.Sources.IsEmpty, $"{why}: generated {string.Join(", ", output.Sources.Select(s => s.HintName))}");
    }

    [Fact]
    public void Generator_SkipsEveryHandlerWhenTheAssemblyDefaultsNameAnUnusableContext()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            [assembly: KinesisHandlerDefaults(JsonSerializerContext = typeof(Sample.Order))]

            namespace Sample;

            public sealed record Order(string Id);

            public sealed class Handlers { [KinesisHandler("s")] public Task M(Order order) => Task.CompletedTask; }
            """);

        Assert.Empty(output.Sources);
    }

    [Fact]
    public void Generator_SkipsHandlersThatInheritAnOutOfRangeFailurePolicyFromTheAssemblyDefaults()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            [assembly: KinesisHandlerDefaults(RetryDelayMilliseconds = -1)]

            namespace Sample;

            public sealed record Order(string Id);

            public sealed class Handlers
            {
                [KinesisHandler("s")] public Task Inherits(Order order) => Task.CompletedTask;
                [KinesisHandler("s", ApplicationName = "own", RetryDelayMilliseconds = 10)] public Task Overrides(Order order) => Task.CompletedTask;
            }
            """);

        Assert.Equal(["Sample_Handlers_Overrides_KinesisProcessor.g.cs"], output.Sources.Select(s => s.HintName).Where(n => n.Contains("Handlers_", StringComparison.Ordinal)));
    }

    [Fact]
    public void Generator_EmitsNothingWithoutHandlers()
    {
        var output = GeneratorHarness.Run(Source("public sealed class NotAHandler { public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask; }"));

        Assert.Empty(output.Sources);
    }

    private static string Source(string members) => $$"""
        {{TestSources.Usings}}

        namespace Sample;

        public sealed record Order(string Id);

        {{members}}
        """;
}
