using System.Collections.Concurrent;
using System.Diagnostics;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Diagnostics;

/// <summary>The activity source <c>KinesisAttrib</c>, sampled by an ActivityListener.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task EachBatch_IsOneConsumerSpan_WithItsShardSizeAndSequenceNumbers_AndItsCheckpointAsAChild()
    {
        var worker = $"tracing-{Guid.NewGuid():N}";
        using var spans = new SpanCapture();
        var arrangement = await SchedulerArrangement.CreateAsync(shards: 2);
        var sink = new RecordingSink();
        await using var running = arrangement.Start(() => new RecordingProcessor(sink), SchedulerArrangement.FastOptions(worker));

        await arrangement.PutAsync(0, 300);
        await sink.WhenCountReaches(300, SchedulerArrangement.TestTimeout);
        await running.StopAsync();

        var batches = spans.Stopped.Where(a => a.OperationName == "process orders" && (string?)a.GetTagItem("messaging.client.id") == worker).ToList();
        Assert.Equal(300, batches.Sum(a => (int)a.GetTagItem("messaging.batch.message_count")!));
        var byShard = sink.ByShard();
        Assert.All(batches, batch =>
        {
            Assert.Equal(ActivityKind.Consumer, batch.Kind);
            Assert.Equal(ActivityStatusCode.Ok, batch.Status);
            Assert.Equal("aws_kinesis", batch.GetTagItem("messaging.system"));
            Assert.Equal("app", batch.GetTagItem("messaging.consumer.group.name"));
            var shard = (string)batch.GetTagItem("messaging.destination.partition.id")!;
            Assert.Contains(byShard[shard], r => r.SequenceNumber == (string?)batch.GetTagItem("kinesisattrib.first_sequence_number"));
            Assert.Contains(byShard[shard], r => r.SequenceNumber == (string?)batch.GetTagItem("kinesisattrib.last_sequence_number"));
            var checkpoint = Assert.Single(spans.Stopped, a => a.ParentSpanId == batch.SpanId);
            Assert.Equal("checkpoint", checkpoint.OperationName);
            Assert.Equal(batch.GetTagItem("kinesisattrib.last_sequence_number"), checkpoint.GetTagItem("kinesisattrib.checkpoint"));
        });
    }

    [Fact]
    public async Task Retries_AndTheDestinationWrite_AreChildSpans()
    {
        using var spans = new SpanCapture();
        using var parent = new Activity("test batch").Start();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).BuildServiceProvider();
        var processor = new PoisonRecordProcessor(services, new HandlerSettings { MaxRetryAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(1) }, "b", log);
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "orders", "shardId-000000000000", "w"), ExtendedSequenceNumber.TrimHorizon), default);
        var checkpointer = new ListCheckpointer();
        var records = new[] { "a", "b" }.Select((p, i) => new KinesisClientRecord($"{i + 1}", 0, "k", System.Text.Encoding.UTF8.GetBytes(p), DateTimeOffset.UtcNow)).ToList();
        checkpointer.LargestPermittedCheckpoint = records[^1].Position;

        await processor.ProcessRecordsAsync(new ProcessRecordsInput(records, null, checkpointer), default);

        var children = spans.Stopped.Where(a => a.ParentSpanId == parent.SpanId).ToList();
        Assert.Equal(["retry", "retry", "send to destination"], children.Select(a => a.OperationName));
        Assert.Equal([2, 3], children.Take(2).Select(a => (int)a.GetTagItem("kinesisattrib.attempt")!));
        Assert.Equal("HandlerFailed", children[2].GetTagItem("kinesisattrib.failure.reason"));
        Assert.Equal(ActivityStatusCode.Ok, children[2].Status);
    }

    [Fact]
    public void AFailure_IsRecordedOnTheSpan_AsAnExceptionEvent()
    {
        using var spans = new SpanCapture();
        using var activity = KinesisAttribActivities.StartChild("checkpoint");
        Assert.NotNull(activity);

        KinesisAttribActivities.Failed(activity, new InvalidOperationException("boom"));

        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        var exception = Assert.Single(activity.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && (string?)t.Value == typeof(InvalidOperationException).FullName);
    }

    private sealed class SpanCapture : IDisposable
    {
        private readonly ActivityListener _listener;

        public SpanCapture()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "KinesisAttrib",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public void Dispose() => _listener.Dispose();
    }
}
