using KinesisAttrib.Shards;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A scheduler's run, stopped gracefully; disposing it stops it too, so a failed test leaves nothing running.</summary>
internal sealed class RunningScheduler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private RunningScheduler(Scheduler scheduler, CancellationToken aborted)
    {
        Scheduler = scheduler;
        Run = scheduler.RunAsync(_stop.Token, aborted);
    }

    public Scheduler Scheduler { get; }

    /// <summary>The scheduler's <see cref="Scheduler.RunAsync"/>.</summary>
    public Task Run { get; }

    public static RunningScheduler Start(Scheduler scheduler, CancellationToken aborted = default) => new(scheduler, aborted);

    /// <summary>Asks for a graceful stop without waiting for it.</summary>
    public Task RequestStopAsync() => _stop.CancelAsync();

    /// <summary>Asks for a graceful stop, then waits for the run to return (it must, within <see cref="SchedulerArrangement.TestTimeout"/>).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(SchedulerArrangement.TestTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
