using System.Collections.Immutable;
using KinesisAttrib.Analyzers;
using KinesisAttrib.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// The generator and the analyzer agree handler by handler: a method gets a processor exactly when the analyzer reports
/// none of the diagnostics tagged <see cref="Descriptors.HandlerSkippedTag"/> (KA1001, KA1004–KA1007, KA1009–KA1016,
/// KA3004). Both use the same shared rules; this test catches anything either side checks on its own.
/// </summary>
public sealed class GeneratorAnalyzerAgreementTests
{
    [Theory]
    // Supported.
    [InlineData("public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;", true)]
    [InlineData("public void M(Order order) { }", true)]
    [InlineData("public static ValueTask M(CancellationToken ct, Order order, IStore store, BatchContext batch) => default;", true)]
    [InlineData("public Task M(RecordContext record, Order order, IRecordProcessorCheckpointer checkpointer, IServiceProvider services) => Task.CompletedTask;", true)]
    [InlineData("public Task M(IReadOnlyList<Order> orders, BatchContext batch) => Task.CompletedTask;", true)]
    [InlineData("public BatchResult M(IReadOnlyList<KinesisRecord<Order>> records) => BatchResult.Success;", true)]
    [InlineData("public Task<BatchResult> M(IReadOnlyList<Order> orders) => Task.FromResult(BatchResult.Success);", true)]
    [InlineData("public ValueTask<BatchResult> M(IReadOnlyList<KinesisRecord<Order>> records, IStore store) => new(BatchResult.Success);", true)]
    [InlineData("public void M(string text) { }", true)]
    [InlineData("public void M(byte[] bytes) { }", true)]
    [InlineData("public void M(ReadOnlyMemory<byte> bytes) { }", true)]
    [InlineData("public void M(KinesisClientRecord record) { }", true)]
    [InlineData("public void M(IReadOnlyList<KinesisClientRecord> records) { }", true)]
    [InlineData("[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Json)] public void M(string text) { }", true)]
    [InlineData("[KinesisHandler(\"s\", CheckpointMode = CheckpointMode.Periodic, CheckpointIntervalSeconds = 5)] public void M(Order order) { }", true)]
    [InlineData("[KinesisHandler(\"s\", InitialPosition = InitialPosition.AtTimestamp, InitialTimestamp = \"2025-01-31T00:00:00+01:00\")] public void M(Order order) { }", true)]
    [InlineData("[KinesisHandler(\"s\", Deserializer = typeof(OrderDeserializer), MaxRecords = 10, IdleTimeBetweenReadsMilliseconds = 0)] public void M(Order order) { }", true)]
    [InlineData("[KinesisHandler(\"s\", JsonPropertyNamesCaseSensitive = true)] public void M(Order order) { }", true)]
    [InlineData("public void M(Order? order, IStore? store, IStore? other = null) { }", true)]
    [InlineData("public void M(IReadOnlyList<Order?> orders) { }", true)]
    [InlineData("public void M(int? value) { }", true)]
    [InlineData("public void M(Order order, CancellationToken a, CancellationToken b) { }", true)]
    [InlineData("public void M(Order order, IStore a, IStore b) { }", true)]
    [InlineData("public void M(IReadOnlyList<IStore> stores) { }", true)]
    [InlineData("[KinesisHandler(\"s\", MaxRetryAttempts = 2, BisectBatchOnError = true, MaxRecordAgeSeconds = 60, RetryDelayMilliseconds = 10, MaxRetryDelayMilliseconds = 100, FailureDestination = \"dlq\")] public void M(IReadOnlyList<Order> orders) { }", true)]
    [InlineData("[KinesisHandler(\"s\", MaxRetryAttempts = -1, MaxRecordAgeSeconds = 0, RetryDelayMilliseconds = 0, MaxRetryDelayMilliseconds = 0)] public void M(Order order) { }", true)]
    [InlineData("[KinesisHandler(\"s\", RetryDelayMilliseconds = 5000, MaxRetryDelayMilliseconds = 1, FailureDestination = \"\")] public void M(Order order) { }", true)]
    // Not supported.
    [InlineData("public void M(KinesisRecord<Order> record) { }", false)]
    [InlineData("public void M(Order order, int retries = 3) { }", false)]
    [InlineData("public void M(Order order, string prefix = \"x\") { }", false)]
    [InlineData("public int M(Order order) => 1;", false)]
    [InlineData("public async void M(Order order) { await Task.Yield(); }", false)]
    [InlineData("public Task M() => Task.CompletedTask;", false)]
    [InlineData("public Task M(RecordContext record, CancellationToken ct) => Task.CompletedTask;", false)]
    [InlineData("public BatchResult M(Order order) => BatchResult.Success;", false)]
    [InlineData("public void M(IReadOnlyList<Order> orders, RecordContext record) { }", false)]
    [InlineData("public void M(ref Order order) { }", false)]
    [InlineData("public void M(Order order, params IStore[] stores) { }", false)]
    [InlineData("public void M(Memory<byte> bytes) { }", false)]
    [InlineData("private void M(Order order) { }", false)]
    [InlineData("public void M<T>(T order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Bytes)] public void M(string text) { }", false)]
    [InlineData("[KinesisHandler(\"s\", PayloadFormat = PayloadFormat.Json)] public void M(KinesisClientRecord record) { }", false)]
    [InlineData("[KinesisHandler(\"s\", CheckpointMode = CheckpointMode.Periodic)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", CheckpointIntervalSeconds = 5)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", InitialTimestamp = \"2025-01-31T00:00:00Z\")] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", InitialPosition = InitialPosition.AtTimestamp)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", MaxRecords = -1)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", IdleTimeBetweenReadsMilliseconds = -5)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", MaxRetryAttempts = -2)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", MaxRecordAgeSeconds = -1)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", RetryDelayMilliseconds = -1)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", MaxRetryDelayMilliseconds = -1)] public void M(IReadOnlyList<Order> orders) { }", false)]
    [InlineData("[KinesisHandler(\"s\", Deserializer = typeof(OrderDeserializer))] public void M(string text) { }", false)]
    [InlineData("[KinesisHandler(\"s\", Deserializer = typeof(OrderDeserializer), PayloadFormat = PayloadFormat.Json)] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", JsonSerializerContext = typeof(Order))] public void M(Order order) { }", false)]
    [InlineData("[KinesisHandler(\"s\", CheckpointMode = (CheckpointMode)7)] public void M(Order order) { }", false)]
    [InlineData("public void M(Order order, Order other) { }", false)]
    [InlineData("public void M(Order order, string text) { }", false)]
    [InlineData("public void M(Order order, byte[] bytes) { }", false)]
    [InlineData("public void M(IReadOnlyList<Order> orders, IReadOnlyList<Order> more) { }", false)]
    [InlineData("public void M(Order order, KinesisRecord<Order> record) { }", false)]
    public async Task GeneratorEmitsAProcessor_ExactlyWhenNoSkipDiagnosticIsReported(string member, bool supported)
    {
        var attribute = member.StartsWith('[') ? "" : "[KinesisHandler(\"s\")] ";
        var compilation = GeneratorHarness.CreateCompilation($$"""
            {{TestSources.Usings}}
            using System;
            using System.Collections.Generic;
            using KinesisAttrib.Processing;

            namespace Sample;

            public sealed record Order(string Id);

            public interface IStore { }

            public sealed class OrderDeserializer : IRecordDeserializer<Order>
            {
                public Order Deserialize(KinesisClientRecord record) => new(record.PartitionKey);
            }

            public sealed class Handlers
            {
                {{attribute}}{{member}}
            }
            """);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var generated = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().GeneratedTrees.Length;
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new KinesisHandlerAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var skipped = diagnostics.Where(d => d.Descriptor.CustomTags.Contains(Descriptors.HandlerSkippedTag)).ToList();

        Assert.True((generated > 0) == (skipped.Count == 0), $"generated {generated} files; skip diagnostics: {string.Join("; ", skipped.Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Equal(supported, generated > 0);
    }
}
