using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KinesisAttrib.Cli.Commands;

/// <summary><c>kinesisattrib watch</c>: the leases and workers views, refreshed until Ctrl+C.</summary>
internal static class WatchCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var refresh = GlobalOptions.Duration("--refresh", TimeSpan.FromSeconds(2), "Time between two scans (default 2s).");
        var lag = new Option<bool>("--lag") { Description = "Also probe each shard's lag at every refresh (two Kinesis calls per shard)." };
        var iterations = new Option<int>("--iterations") { Description = "Stop after this many refreshes (0: until Ctrl+C)." };
        var failover = GlobalOptions.FailoverTime();
        var command = new Command("watch", "The leases and workers views, refreshed live until Ctrl+C (leases turn 'live' or 'expired' as their counters move or stand still).")
        {
            refresh, lag, iterations, failover,
        };
        command.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, async (session, output, token) =>
        {
            var observer = new LeaseObserver(parse.GetValue(failover));
            var every = parse.GetValue(refresh);
            var limit = parse.GetValue(iterations);
            var withLag = parse.GetValue(lag);
            string? stream = null;

            async Task<IRenderable> FrameAsync()
            {
                var scan = await session.ScanAsync(token).ConfigureAwait(false);
                observer.Observe(scan);
                Dictionary<string, LagInfo>? lags = null;
                if (withLag)
                {
                    stream ??= await session.RequireStreamAsync(scan, token).ConfigureAwait(false);
                    lags = await LeaseReading.LagsAsync(session, scan, stream, token).ConfigureAwait(false);
                }

                var now = session.Time.GetUtcNow();
                return new Rows(
                    Tables.Leases(LeaseReading.Report(session, scan, observer, lags), lags is not null),
                    Tables.Workers(LeaseRows.Workers(session.Settings, scan, observer, now)),
                    new Text($"{now:u}: refreshed every {Output.Duration(every)}; Ctrl+C to stop"));
            }

            try
            {
                if (output.Interactive)
                {
                    await output.Console.Live(new Text("reading the lease table...")).StartAsync(async live =>
                    {
                        for (var i = 0; limit == 0 || i < limit; i++)
                        {
                            live.UpdateTarget(await FrameAsync().ConfigureAwait(false));
                            live.Refresh();
                            if (limit == 0 || i + 1 < limit)
                            {
                                await Task.Delay(every, session.Time, token).ConfigureAwait(false);
                            }
                        }
                    }).ConfigureAwait(false);
                }
                else
                {
                    // Redirected output gets one frame per refresh, one after the other.
                    for (var i = 0; limit == 0 || i < limit; i++)
                    {
                        output.Console.Write(await FrameAsync().ConfigureAwait(false));
                        output.Line("");
                        if (limit == 0 || i + 1 < limit)
                        {
                            await Task.Delay(every, session.Time, token).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C is how watch ends.
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
