using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2007: a checkpoint in a catch block that swallows the failure of the records' handling.</summary>
public sealed class CheckpointInSwallowingCatchTests
{
    [Theory]
    [InlineData("catch (Exception ex) { Log(ex.Message); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("catch { await {|#1:checkpointer.CheckpointAsync(ct)|}; return; }")]
    [InlineData("catch (TimeoutException ex) when (ex.Message.Length > 0) { if (ct.IsCancellationRequested) { throw; } await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("catch (Exception) { var prepared = await {|#1:checkpointer.PrepareCheckpointAsync(ct)|}; await {|#2:prepared.CheckpointAsync(ct)|}; }")]
    public Task CheckpointInACatchThatCarriesOn_IsReported(string catchClause)
    {
        var expected = new List<Microsoft.CodeAnalysis.Testing.DiagnosticResult> { Diagnostic(Descriptors.CheckpointInSwallowingCatch).WithLocation(1) };
        if (catchClause.Contains("#2", StringComparison.Ordinal))
        {
            expected.Add(Diagnostic(Descriptors.CheckpointInSwallowingCatch).WithLocation(2));
        }

        return VerifyAsync(
            Batch("{ try { await SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); } " + catchClause + " }"),
            [.. expected]);
    }

    [Theory]
    [InlineData("catch (Exception ex) { Log(ex.Message); await checkpointer.CheckpointAsync(ct); throw; }")]
    [InlineData("catch (Exception ex) { await SendToDeadLetterAsync(orders[0], ex); await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("catch (Exception ex) { Log(ex.Message); RetryAsync(() => checkpointer.CheckpointAsync(ct).AsTask()).Wait(); throw; }")]
    [InlineData("catch (Exception ex) { Log(ex.Message); }")]
    public Task CatchThatRethrowsOrHandlesTheRecords_IsNotReported(string catchClause) => VerifyAsync(
        Batch("{ try { await SaveAsync(orders, ct); await checkpointer.CheckpointAsync(ct); } " + catchClause + " }", settings: "ApplicationName = \"a\""));

    [Fact]
    public Task RetryingAFailedCheckpoint_IsNotReported() => VerifyAsync(Batch("""
        {
                await SaveAsync(orders, ct);
                try
                {
                    await checkpointer.CheckpointAsync(ct);
                }
                catch (TimeoutException)
                {
                    await checkpointer.CheckpointAsync(ct);
                }
            }
        """));
}
