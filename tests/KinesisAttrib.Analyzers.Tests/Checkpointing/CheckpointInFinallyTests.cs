using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2008: a checkpoint in a finally block runs when the handling threw, too.</summary>
public sealed class CheckpointInFinallyTests
{
    [Theory]
    [InlineData("try { await SaveAsync(orders, ct); } finally { await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("try { await SaveAsync(orders, ct); } catch (TimeoutException) { throw; } finally { Log(\"done\"); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    public Task UnconditionalCheckpointInFinally_AfterWork_IsReported(string body) => VerifyAsync(
        Batch("{ " + body + " }"),
        Diagnostic(Descriptors.CheckpointInFinally).WithLocation(1));

    [Theory]
    [InlineData("var saved = false; try { await SaveAsync(orders, ct); saved = true; } finally { if (saved) { await checkpointer.CheckpointAsync(ct); } }")]
    [InlineData("try { await SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); } finally { Log(\"done\"); }")]
    [InlineData("try { Log(\"start\"); } finally { await checkpointer.CheckpointAsync(ct); }")]
    public Task GuardedCheckpoint_OrCheckpointInTheTry_IsNotReported(string body) => VerifyAsync(
        Batch("{ " + body.Replace("Log(\"start\")", "var x = 1", StringComparison.Ordinal) + " }", settings: "ApplicationName = \"a\""));
}
