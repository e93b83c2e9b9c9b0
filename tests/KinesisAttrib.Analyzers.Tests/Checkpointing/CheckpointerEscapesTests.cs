using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2006: the checkpointer stored, or captured by code that outlives the handler call.</summary>
public sealed class CheckpointerEscapesTests
{
    private static string Escaping(string statement) => Members($$"""
            private static IRecordProcessorCheckpointer? s_last;
            private IRecordProcessorCheckpointer? _last;
            private Func<Task>? _later;
            private Task? _background;
            private readonly List<IRecordProcessorCheckpointer> _all = [];
            private readonly IRecordProcessorCheckpointer?[] _slots = new IRecordProcessorCheckpointer?[1];
            public event EventHandler? Flushed;

            [KinesisHandler("s")]
            public async Task M(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                await SaveAsync(orders, ct);
                {{statement}}
                Flushed?.Invoke(this, EventArgs.Empty);
                await (_later?.Invoke() ?? Task.CompletedTask);
                await (_background ?? Task.CompletedTask);
                Log(s_last?.ShardId ?? _last?.ShardId ?? _all.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + _slots.Length);
            }
        """);

    [Theory]
    [InlineData("{|#1:s_last = checkpointer|};", "is stored in 's_last'")]
    [InlineData("{|#1:_last = checkpointer|};", "is stored in '_last'")]
    [InlineData("{|#1:this._last ??= checkpointer|};", "is stored in 'this._last'")]
    [InlineData("{|#1:_slots[0] = checkpointer|};", "is stored in '_slots[0]'")]
    [InlineData("var alias = checkpointer; {|#1:_last = alias|};", "is stored in '_last'")]
    [InlineData("{|#1:_all.Add(checkpointer)|};", "is added to '_all'")]
    [InlineData("{|#1:_later = () => checkpointer.CheckpointAsync().AsTask()|};", "is captured by a delegate stored in '_later'")]
    [InlineData("{|#1:Flushed += (_, _) => Log(checkpointer.ShardId)|};", "is captured by a handler added to event 'Flushed'")]
    [InlineData("_ = {|#1:Task.Run(async () => await checkpointer.CheckpointAsync())|};", "is captured by a delegate passed to 'Task.Run' whose task is not awaited")]
    [InlineData("_background = {|#1:Task.Run(async () => await checkpointer.CheckpointAsync())|};", "is captured by a delegate passed to 'Task.Run' whose task is not awaited")]
    [InlineData("{|#1:Task.Factory.StartNew(() => Log(checkpointer.ShardId))|};", "is captured by a delegate passed to 'TaskFactory.StartNew' whose task is not awaited")]
    [InlineData("{|#1:SaveAsync(orders, ct).ContinueWith(_ => checkpointer.CheckpointAsync(), TaskScheduler.Default)|};", "is captured by a delegate passed to 'Task.ContinueWith' whose task is not awaited")]
    [InlineData("_ = {|#1:RetryAsync(() => checkpointer.CheckpointAsync().AsTask())|};", "is captured by a delegate passed to 'Handlers.RetryAsync' whose task is not awaited")]
    [InlineData("{|#1:ThreadPool.QueueUserWorkItem(_ => Log(checkpointer.ShardId))|};", "is captured by a work item queued with 'ThreadPool.QueueUserWorkItem'")]
    [InlineData("{|#1:new Thread(() => Log(checkpointer.ShardId))|}.Start();", "is captured by a delegate run by a new 'Thread'")]
    [InlineData("_ = {|#1:LaterAsync()|}; async Task LaterAsync() { await Task.Delay(1000); await checkpointer.CheckpointAsync(); }", "is used by local function 'LaterAsync', whose task is not awaited")]
    public Task EscapingCheckpointer_IsReported(string statement, string how) => VerifyAsync(
        Escaping(statement),
        Diagnostic(Descriptors.CheckpointerEscapes).WithLocation(1).WithArguments(how));

    [Theory]
    [InlineData("await Task.Run(async () => await checkpointer.CheckpointAsync());")]
    [InlineData("var work = Task.Run(() => Log(checkpointer.ShardId)); await work;")]
    [InlineData("await CommitAsync(checkpointer, ct);")]
    [InlineData("var alias = checkpointer; await alias.CheckpointAsync(ct);")]
    [InlineData("_last = null; _later = () => Task.CompletedTask; _ = Task.Run(() => Log(\"no checkpointer\")); await checkpointer.CheckpointAsync(ct);")]
    [InlineData("await LaterAsync(); async Task LaterAsync() => await checkpointer.CheckpointAsync();")]
    [InlineData("await RetryAsync(() => checkpointer.CheckpointAsync(ct).AsTask());")]
    [InlineData("await SaveAsync(orders, ct).ContinueWith(_ => Log(checkpointer.ShardId), TaskScheduler.Default);")]
    public Task CheckpointerUsedWithinTheCall_IsNotReported(string statement) => VerifyAsync(Escaping(statement));
}
