using KinesisAttrib.CodeFixes;
using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>The KA2001/KA2002 code fixes: a checkpoint at the end of the handler, or after-batch checkpointing.</summary>
public sealed class CheckpointCodeFixTests
{
    private const string Name = "Sample.Handlers.M";
    private const string AtEnd = "the path that reaches the end of the method finishes without checkpointing";

    [Fact]
    public Task AddCheckpointAtEnd_UsesTheCancellationToken() => VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
        Batch("""
            {
                    if (orders.Count > 1)
                    {
                        await checkpointer.CheckpointAsync(ct);
                    }
                {|#1:}|}
            """),
        [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithArguments(Name, AtEnd)],
        Batch("""
            {
                    if (orders.Count > 1)
                    {
                        await checkpointer.CheckpointAsync(ct);
                    }

                    await checkpointer.CheckpointAsync(ct);
                }
            """));

    [Fact]
    public Task AddCheckpointAtEnd_GoesBeforeTrailingLocalFunctions_AndWithoutATokenPassesNone() => VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public async Task {|#0:M|}(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer cp)
                {
                    await SaveLocalAsync();

                    async Task SaveLocalAsync() => await SaveAsync(orders, CancellationToken.None);
                    void Unused() => Log(cp.ShardId);
                {|#1:}|}
            """),
        [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithArguments(Name, AtEnd)],
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public async Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer cp)
                {
                    await SaveLocalAsync();

                    await cp.CheckpointAsync();

                    async Task SaveLocalAsync() => await SaveAsync(orders, CancellationToken.None);
                    void Unused() => Log(cp.ShardId);
                }
            """));

    [Fact]
    public Task AddCheckpointAtEnd_IsNotOffered_WhenAnEarlyReturnSkipsIt()
    {
        var source = Batch("""
            {
                    {|#1:if (orders[0].Id == "skip")
                    {
                        return;
                    }|}

                    await checkpointer.CheckpointAsync(ct);
                }
            """);
        return VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
            source,
            [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithArguments(Name, "the path that leaves at line 27 finishes without checkpointing")],
            source);
    }

    // Issue 21: the fix acts at the exit the diagnostic names, not at the end of the body.
    [Fact]
    public Task AddCheckpoint_BeforeTheReturnOfASwitchSection_AndAtTheEnd() => VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
        Batch("""
            {
                    switch (orders[0].Id)
                    {
                        case "a":
                            await SaveAsync(orders, ct);
                            await checkpointer.CheckpointAsync(ct);
                            break;
                        case "b":
                            {|#1:return;|}
                    }
                {|#2:}|}
            """),
        [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithLocation(2).WithArguments(Name, "the path that leaves at line 34 finishes without checkpointing (and 1 more)")],
        Batch("""
            {
                    switch (orders[0].Id)
                    {
                        case "a":
                            await SaveAsync(orders, ct);
                            await checkpointer.CheckpointAsync(ct);
                            break;
                        case "b":
                            await checkpointer.CheckpointAsync(ct);
                            return;
                    }

                    await checkpointer.CheckpointAsync(ct);
                }
            """));

    [Fact]
    public Task AddCheckpoint_IsNotOffered_ForAReturnInACatch()
    {
        // A checkpoint there would mark the failed records done (KA2007): rethrowing is the fix, which is not mechanical.
        var source = Batch("""
            {
                    try
                    {
                        await SaveAsync(orders, ct);
                    }
                    catch (TimeoutException)
                    {
                        {|#1:return;|}
                    }

                    await checkpointer.CheckpointAsync(ct);
                }
            """);
        return VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
            source,
            [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithArguments(Name, "the path that leaves at line 33 finishes without checkpointing")],
            source);
    }

    [Fact]
    public Task AddCheckpointer_AndCheckpointAtEnd_ForAManualHandlerWithoutOne() => VerifyFixAsync<AddCheckpointAtEndCodeFixProvider>(
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public async Task {|#0:M|}(IReadOnlyList<Order> orders, CancellationToken ct)
                {
                    await SaveAsync(orders, ct);
                }
            """),
        [Diagnostic(Descriptors.ManualWithoutCheckpointer).WithLocation(0).WithArguments(Name)],
        Members("""
                [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
                public async Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    await SaveAsync(orders, ct);

                    await checkpointer.CheckpointAsync(ct);
                }
            """));

    [Fact]
    public Task UseAfterBatch_RemovesTheManualSetting() => VerifyFixAsync<UseAfterBatchCheckpointingCodeFixProvider>(
        Batch("""
            {
                    if (orders.Count > 1)
                    {
                        await checkpointer.CheckpointAsync(ct);
                    }
                {|#1:}|}
            """),
        [Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1).WithArguments(Name, AtEnd)],
        Batch(
            """
            {
                    if (orders.Count > 1)
                    {
                        await checkpointer.CheckpointAsync(ct);
                    }
                }
            """,
            settings: "ApplicationName = \"a\"").Replace("\"s\", ApplicationName = \"a\"", "\"s\"", StringComparison.Ordinal));

    [Fact]
    public Task UseAfterBatch_SetsTheMode_WhenManualComesFromTheAssemblyDefaults() => VerifyFixAsync<UseAfterBatchCheckpointingCodeFixProvider>(
        Members(
            """
                [KinesisHandler("s", ApplicationName = "a")]
                public Task {|#0:M|}(IReadOnlyList<Order> orders, CancellationToken ct) => SaveAsync(orders, ct);
            """,
            "[assembly: KinesisHandlerDefaults(CheckpointMode = CheckpointMode.Manual)]"),
        [Diagnostic(Descriptors.ManualWithoutCheckpointer).WithLocation(0).WithArguments(Name)],
        Members(
            """
                [KinesisHandler("s", ApplicationName = "a", CheckpointMode = CheckpointMode.AfterEachBatch)]
                public Task M(IReadOnlyList<Order> orders, CancellationToken ct) => SaveAsync(orders, ct);
            """,
            "[assembly: KinesisHandlerDefaults(CheckpointMode = CheckpointMode.Manual)]"));

    [Theory]
    [InlineData("{|#1:checkpointer.CheckpointAsync(ct)|};")]
    [InlineData("_ = {|#1:checkpointer.CheckpointAsync(ct)|};")]
    public Task AwaitCheckpoint_AwaitsTheDroppedTask(string statement) => VerifyFixAsync<AwaitCheckpointCodeFixProvider>(
        Batch("{ await SaveAsync(orders, ct); " + statement + " }", settings: "ApplicationName = \"a\""),
        [Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync")],
        Batch("{ await SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); }", settings: "ApplicationName = \"a\""));

    [Fact]
    public Task AwaitCheckpoint_IsNotOffered_InASynchronousHandler()
    {
        var source = Batch("{ {|#1:checkpointer.CheckpointAsync()|}; }", returns: "void");
        return VerifyFixAsync<AwaitCheckpointCodeFixProvider>(
            source,
            [Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync")],
            source);
    }
}
