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
            private static readonly System.Threading.Channels.Channel<IRecordProcessorCheckpointer> s_channel = System.Threading.Channels.Channel.CreateUnbounded<IRecordProcessorCheckpointer>();
            private readonly System.Collections.Concurrent.ConcurrentQueue<Func<Task>> _work = new();
            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IRecordProcessorCheckpointer> _byShard = new();
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
    // Issue 21: a channel, a queue, any container kept beyond the call, and callbacks registered and never unregistered.
    [InlineData("{|#1:s_channel.Writer.TryWrite(checkpointer)|};", "is added to 's_channel.Writer'")]
    [InlineData("await {|#1:s_channel.Writer.WriteAsync(checkpointer, ct)|};", "is added to 's_channel.Writer'")]
    [InlineData("var writer = s_channel.Writer; {|#1:writer.TryWrite(checkpointer)|};", "is added to 'writer'")]
    [InlineData("{|#1:_work.Enqueue(() => checkpointer.CheckpointAsync().AsTask())|};", "is captured by a delegate added to '_work'")]
    [InlineData("{|#1:_byShard.GetOrAdd(\"shard\", _ => checkpointer)|};", "is captured by a delegate added to '_byShard'")]
    [InlineData("var work = {|#1:Task.Run(async () => await checkpointer.CheckpointAsync())|};", "is captured by a delegate passed to 'Task.Run' whose task is not awaited")]
    [InlineData("{|#1:ct.Register(() => Log(checkpointer.ShardId))|};", "is captured by a callback registered with 'CancellationToken.Register' whose registration is never disposed")]
    [InlineData("{|#1:Later()|}; async void Later() { await Task.Delay(1000); await checkpointer.CheckpointAsync(); }", "is used by async void local function 'Later', which nobody can await")]
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
    // Issue 21: containers that die with the call, lookups and removals, disposed registrations, synchronous local functions.
    [InlineData("var local = new List<IRecordProcessorCheckpointer>(); local.Add(checkpointer); await local[0].CheckpointAsync(ct);")]
    [InlineData("if (!_all.Contains(checkpointer)) { _all.Remove(checkpointer); } _byShard.TryRemove(\"shard\", out _);")]
    [InlineData("using (ct.Register(() => Log(checkpointer.ShardId))) { await SaveAsync(orders, ct); }")]
    [InlineData("void Note() { Log(checkpointer.ShardId); } Note();")]
    public Task CheckpointerUsedWithinTheCall_IsNotReported(string statement) => VerifyAsync(Escaping(statement));

    // Issue 21: a synchronous local function runs inside the handler; its dropped task is KA2004's, not an escape.
    [Theory]
    [InlineData("{|#1:checkpointer.CheckpointAsync(ct)|}")]
    [InlineData("_ = {|#1:checkpointer.CheckpointAsync(ct)|}")]
    public Task ExpressionBodiedVoidLocalFunction_IsOnlyKA2004(string call) => VerifyAsync(
        Escaping($$"""void Commit() => {{call}}; Commit(); Commit();"""),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(1).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync"));
}
