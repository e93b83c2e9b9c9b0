using KinesisAttrib.Handlers;
using KinesisAttrib.Shards;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Shards;

/// <summary>Two applications on one stream: an operator can tell their log lines apart, and each start is one summary line.</summary>
public sealed class SchedulerLoggingTests
{
    [Fact]
    public async Task TwoApplicationsOnOneStream_LogEveryLineInTheScopeOfTheirApplication_AndOneStartLineEach()
    {
        var arranged = await CreateAsync(shards: 2);
        await arranged.PutAsync(0, 100);
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        var apps = new[] { "archive", "revenue" };
        var running = apps.Select((app, i) => RunningScheduler.Start(new Scheduler(app, arranged.Stream, InitialPosition.TrimHorizon, () => new RecordingProcessor(sinks[i]), arranged.Kinesis, new Testing.InMemoryLeaseStore(), FastOptions(), loggers))).ToList();
        await Task.WhenAll(sinks.Select(s => s.WhenCountReaches(100, TestTimeout)));
        foreach (var scheduler in running)
        {
            await scheduler.StopAsync();
        }

        var entries = logs.Entries.ToList();
        Assert.All(entries, e => Assert.Contains(e.Scopes, s => s.StartsWith("application archive, stream orders, worker worker-1", StringComparison.Ordinal) || s.StartsWith("application revenue, stream orders, worker worker-1", StringComparison.Ordinal)));
        foreach (var app in apps)
        {
            var mine = entries.Where(e => e.Scopes.Any(s => s.StartsWith($"application {app},", StringComparison.Ordinal))).ToList();
            var start = Assert.Single(mine, e => e.Event.Id == 230);
            Assert.Contains("lease table InMemoryLeaseStore, retrieval polling, reading ahead up to 3 batches, initial position TrimHorizon, failover time 2 s", start.Message, StringComparison.Ordinal);

            // Consumer lines carry their shard in a scope and name the application in the message.
            var consumerStarts = mine.Where(e => e.Event.Id == 210).ToList();
            Assert.Equal(2, consumerStarts.Count);
            Assert.All(consumerStarts, e => Assert.Contains($"(application {app})", e.Message, StringComparison.Ordinal));
            Assert.Equal(["shard shardId-000000000000", "shard shardId-000000000001"], consumerStarts.Select(e => e.Scopes.Single(s => s.StartsWith("shard ", StringComparison.Ordinal))).Order());
        }
    }
}
