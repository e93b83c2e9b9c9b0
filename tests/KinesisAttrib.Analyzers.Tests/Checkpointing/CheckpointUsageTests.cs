using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2002 (manual without a checkpointer) and KA2003 (checkpointer never used).</summary>
public sealed class CheckpointUsageTests
{
    private const string Name = "Sample.Handlers.M";

    [Fact]
    public Task ManualHandler_WithoutACheckpointer_IsReported() => VerifyAsync(
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public Task {|#0:M|}(IReadOnlyList<Order> orders, CancellationToken ct) => SaveAsync(orders, ct);
            """),
        Diagnostic(Descriptors.ManualWithoutCheckpointer).WithLocation(0).WithArguments(Name));

    [Fact]
    public Task ManualFromAssemblyDefaults_WithoutACheckpointer_IsReported() => VerifyAsync(
        Members(
            """
                [KinesisHandler("s")]
                public Task {|#0:M|}(Order order, CancellationToken ct) => SaveAsync(order, ct);
            """,
            "[assembly: KinesisHandlerDefaults(CheckpointMode = CheckpointMode.Manual)]"),
        Diagnostic(Descriptors.ManualWithoutCheckpointer).WithLocation(0).WithArguments(Name));

    [Theory]
    [InlineData("")]
    [InlineData(", CheckpointMode = CheckpointMode.AfterEachBatch")]
    [InlineData(", CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100")]
    public Task OtherModes_WithoutACheckpointer_AreNotReported(string settings) => VerifyAsync(Members($$"""
            [KinesisHandler("s"{{settings}})]
            public Task M(IReadOnlyList<Order> orders, CancellationToken ct) => SaveAsync(orders, ct);
        """));

    [Fact]
    public Task UnusedCheckpointer_InManualMode_SaysTheShardNeverMoves() => VerifyAsync(
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer {|#0:checkpointer|}, CancellationToken ct) => SaveAsync(orders, ct);
            """),
        Diagnostic(Descriptors.UnusedCheckpointer).WithLocation(0).WithArguments(
            "checkpointer", Name, "with CheckpointMode.Manual the handler never checkpoints, so the shard's checkpoint never moves"));

    [Fact]
    public Task UnusedCheckpointer_InAfterBatchMode_SaysItIsNotNeeded() => VerifyAsync(
        Members("""
                [KinesisHandler("s")]
                public Task M(Order order, IRecordProcessorCheckpointer {|#0:checkpointer|}, CancellationToken ct) => SaveAsync(order, ct);
            """),
        Diagnostic(Descriptors.UnusedCheckpointer).WithLocation(0).WithArguments(
            "checkpointer", Name, "the processor checkpoints by itself in this mode, so remove the parameter or checkpoint with it"));

    [Fact]
    public Task CheckpointerUsedOnlyInALambda_IsUsed() => VerifyAsync(Members("""
            [KinesisHandler("s")]
            public Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct) =>
                RetryAsync(() => checkpointer.CheckpointAsync(ct).AsTask());
        """));
}
