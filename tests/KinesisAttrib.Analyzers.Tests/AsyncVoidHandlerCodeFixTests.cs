using KinesisAttrib.CodeFixes;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA1010's fix: <c>async void</c> becomes <c>async Task</c>, keeping modifiers, trivia and the body.</summary>
public sealed class AsyncVoidHandlerCodeFixTests
{
    private const string Reason = "it is 'async void', so failures could not be seen and records would be checkpointed before they are processed; return Task or ValueTask";

    [Fact]
    public Task AsyncVoid_BecomesAsyncTask() => VerifyFixAsync<AsyncVoidHandlerCodeFixProvider>(
        InHandlers("""
            [KinesisHandler("s")]
                public async void {|#0:M|}(Order order, CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                }
            """),
        InHandlers("""
            [KinesisHandler("s")]
                public async Task M(Order order, CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                }
            """),
        Diagnostic(Descriptors.AsyncVoidHandler).WithLocation(0).WithArguments("Sample.Handlers.M", Reason));

    [Fact]
    public Task StaticExpressionBodiedAsyncVoid_BecomesAsyncTask_WithoutAUsing() => VerifyFixAsync<AsyncVoidHandlerCodeFixProvider>(
        """
        namespace Sample;

        public sealed record Order(string Id);

        public static class Handlers
        {
            [KinesisAttrib.Handlers.KinesisHandler("s")]
            internal static async void {|#0:M|}(Order order) => await System.Threading.Tasks.Task.Yield();
        }
        """,
        """
        namespace Sample;

        public sealed record Order(string Id);

        public static class Handlers
        {
            [KinesisAttrib.Handlers.KinesisHandler("s")]
            internal static async System.Threading.Tasks.Task M(Order order) => await System.Threading.Tasks.Task.Yield();
        }
        """,
        Diagnostic(Descriptors.AsyncVoidHandler).WithLocation(0).WithArguments("Sample.Handlers.M", Reason));

    [Fact]
    public void FixesOnlyKA1010() =>
        Assert.Equal([DiagnosticIds.AsyncVoidHandler], new AsyncVoidHandlerCodeFixProvider().FixableDiagnosticIds.ToArray());
}
