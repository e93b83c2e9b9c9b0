using KinesisAttrib.Analyzers.Tests.TestSupport;

namespace KinesisAttrib.Analyzers.Tests;

public sealed class SmokeTests
{
    [Fact]
    public Task Smoke() => AnalyzerVerifier.VerifyAsync(
        TestSources.InHandlers("""[KinesisHandler("s")] private Task {|KA1001:M|}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;"""));
}
