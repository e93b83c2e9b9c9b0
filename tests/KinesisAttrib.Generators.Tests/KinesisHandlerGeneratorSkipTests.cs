using KinesisAttrib.Generators.Tests.TestSupport;

namespace KinesisAttrib.Generators.Tests;

/// <summary>What the generator does not understand yields no output (the analyzers explain why), and never broken code.</summary>
public sealed class KinesisHandlerGeneratorSkipTests
{
    [Theory]
    [InlineData("wrong parameter order", "public Task M(RecordContext record, Order order, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("no cancellation token", "public Task M(Order order, RecordContext record) => Task.CompletedTask;")]
    [InlineData("two payloads", "public Task M(Order order, Order other, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("ref parameter", "public Task M(ref Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("returns void", "public void M(Order order, RecordContext record, CancellationToken ct) { }")]
    [InlineData("returns Task<T>", "public Task<int> M(Order order, RecordContext record, CancellationToken ct) => Task.FromResult(1);")]
    [InlineData("generic method", "public Task M<T>(T order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("private method", "private Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("in parameter", "public Task M(in Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("string payload (a raw format, not JSON)", "public Task M(string order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("byte[] payload (a raw format, not JSON)", "public Task M(byte[] order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("IReadOnlyList<T> payload (the batch shape)", "public Task M(System.Collections.Generic.IReadOnlyList<Order> orders, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
    [InlineData("context that is not a JsonSerializerContext", "[KinesisHandler(\"s\", JsonSerializerContext = typeof(Order))] public Task N(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;")]
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
