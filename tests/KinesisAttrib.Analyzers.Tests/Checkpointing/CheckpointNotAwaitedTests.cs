using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2004: a checkpoint whose task is dropped; one that is awaited, returned or kept is not reported.</summary>
public sealed class CheckpointNotAwaitedTests
{
    [Theory]
    [InlineData("{|#1:checkpointer.CheckpointAsync(ct)|};", "IRecordProcessorCheckpointer.CheckpointAsync")]
    [InlineData("_ = {|#1:checkpointer.CheckpointAsync(ct)|};", "IRecordProcessorCheckpointer.CheckpointAsync")]
    [InlineData("{|#1:checkpointer.CheckpointAsync(ct)|}.ConfigureAwait(false);", "IRecordProcessorCheckpointer.CheckpointAsync")]
    [InlineData("_ = {|#1:checkpointer.CheckpointAsync(ct)|}.AsTask();", "IRecordProcessorCheckpointer.CheckpointAsync")]
    [InlineData("checkpointer?{|#1:.CheckpointAsync(ct)|};", "IRecordProcessorCheckpointer.CheckpointAsync")]
    [InlineData("{|#1:checkpointer.PrepareCheckpointAsync(ct)|};", "IRecordProcessorCheckpointer.PrepareCheckpointAsync")]
    public Task DroppedCheckpointTask_IsReported(string statement, string call) => VerifyAsync(
        Batch($$"""
            {
                    await SaveAsync(orders, ct);
                    {{statement}}
                }
            """, settings: "ApplicationName = \"a\""),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments(call));

    // Issue 21: a task kept in a local that nothing reads is as dropped as `_ =`.
    [Theory]
    [InlineData("var pending = {|#1:checkpointer.CheckpointAsync(ct)|};")]
    [InlineData("var pending = {|#1:checkpointer.CheckpointAsync(ct)|}.AsTask(); pending = Task.CompletedTask;")]
    [InlineData("ValueTask pending; pending = {|#1:checkpointer.CheckpointAsync(ct)|};")]
    public Task CheckpointTaskKeptInALocalNeverRead_IsReported(string statement) => VerifyAsync(
        Batch($$"""
            {
                    await SaveAsync(orders, ct);
                    {{statement}}
                }
            """, settings: "ApplicationName = \"a\""),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync"));

    [Fact]
    public Task DroppedCommitOfAPreparedCheckpoint_IsReported() => VerifyAsync(
        Batch("""
            {
                    var prepared = await checkpointer.PrepareCheckpointAsync(ct);
                    await SaveAsync(orders, ct);
                    _ = {|#1:prepared.CheckpointAsync(ct)|};
                }
            """),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IPreparedCheckpointer.CheckpointAsync"));

    [Fact]
    public Task DroppedCheckpoint_InASynchronousHandler_IsReported() => VerifyAsync(
        Batch("{ {|#1:checkpointer.CheckpointAsync()|}; }", returns: "void"),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync"));

    [Fact]
    public Task DroppedCheckpoint_InAHelperMethod_IsReported() => VerifyAsync(
        Members("""
                public static void Commit(IRecordProcessorCheckpointer checkpointer) => {|#1:checkpointer.CheckpointAsync()|};
            """),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync"));

    [Theory]
    [InlineData("var pending = checkpointer.CheckpointAsync(ct).AsTask(); await Task.WhenAll(pending, SaveAsync(orders, ct));")]
    [InlineData("var pending = checkpointer.CheckpointAsync(ct); Log(\"saving\"); await pending;")]
    [InlineData("Task pending; pending = checkpointer.CheckpointAsync(ct).AsTask(); var all = new List<Task> { pending }; await Task.WhenAll(all);")]
    public Task CheckpointTaskKeptInALocalThatIsRead_IsNotReported(string statement) => VerifyAsync(
        Batch("{ " + statement + " }", settings: "ApplicationName = \"a\""));

    [Fact]
    public Task AwaitedReturnedOrKeptCheckpoints_AreNotReported() => VerifyAsync(Members("""
            [KinesisHandler("s", CheckpointMode = CheckpointMode.Manual)]
            public async Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                await checkpointer.CheckpointAsync(ct);
                await checkpointer.CheckpointAsync(ct).ConfigureAwait(false);
                var pending = checkpointer.CheckpointAsync(ct);
                await SaveAsync(orders, ct);
                await pending;
                await Task.WhenAll(checkpointer.CheckpointAsync(ct).AsTask());
            }

            [KinesisHandler("t", CheckpointMode = CheckpointMode.Manual)]
            public ValueTask N(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct) => checkpointer.CheckpointAsync(ct);

            [KinesisHandler("u", CheckpointMode = CheckpointMode.Manual)]
            public Task O(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                return checkpointer.CheckpointAsync(ct).AsTask();
            }
        """));
}
