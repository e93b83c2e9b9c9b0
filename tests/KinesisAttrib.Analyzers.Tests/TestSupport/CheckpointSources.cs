using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>Handler sources for the KA2xxx tests: a batch or per-record handler around a body, with helpers to call.</summary>
internal static class CheckpointSources
{
    public const string Manual = "CheckpointMode = CheckpointMode.Manual";

    private const string Helpers = """
            public static Task SaveAsync(IReadOnlyList<Order> orders, CancellationToken ct) => Task.CompletedTask;
            public static Task SaveAsync(Order order, CancellationToken ct) => Task.CompletedTask;
            public static Task SendToDeadLetterAsync(Order order, Exception error) => Task.CompletedTask;
            public static Task CommitAsync(IRecordProcessorCheckpointer checkpointer, CancellationToken ct) => checkpointer.CheckpointAsync(ct).AsTask();
            public static Task RetryAsync(Func<Task> action) => action();
            public static Task RetryAsync<T>(T state, Func<T, Task> action) => action(state);
            public static async IAsyncEnumerable<int> NumbersAsync() { await Task.Yield(); yield return 1; }
            public static void Log(string message) { }
            public static Task LogAsync(string message) => Task.CompletedTask;
        """;

    /// <summary>
    /// A batch handler <c>M(IReadOnlyList&lt;Order&gt; orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)</c>
    /// named with markup <c>#0</c>, returning <paramref name="returns"/>.
    /// </summary>
    public static string Batch(string body, string settings = Manual, string returns = "async Task") => InHandlers($$"""
        {{Helpers}}

            [KinesisHandler("s", {{settings}})]
            public {{returns}} {|#0:M|}(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {{body}}
        """);

    /// <summary>A per-record handler <c>M(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)</c>.</summary>
    public static string Record(string body, string settings = Manual, string returns = "async Task") => InHandlers($$"""
        {{Helpers}}

            [KinesisHandler("s", {{settings}})]
            public {{returns}} {|#0:M|}(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {{body}}
        """);

    /// <summary>Any handler members, with the helpers, after <paramref name="assemblyAttributes"/>.</summary>
    public static string Members(string members, string assemblyAttributes = "") =>
        InHandlers(Helpers + "\n" + members).Replace("namespace Sample;", assemblyAttributes + "\nnamespace Sample;", StringComparison.Ordinal);
}
