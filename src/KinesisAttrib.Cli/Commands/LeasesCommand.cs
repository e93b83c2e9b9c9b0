using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;

namespace KinesisAttrib.Cli.Commands;

/// <summary><c>kinesisattrib leases</c>: one row per lease.</summary>
internal static class LeasesCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var json = GlobalOptions.Json();
        var lag = new Option<bool>("--lag") { Description = "Also read each shard at its checkpoint (GetRecords, Limit 1): MillisBehindLatest and how long the next record has waited." };
        var observe = new Option<bool>("--observe") { Description = "Scan twice, the failover time apart, to tell live owners (counter moved) from expired leases." };
        var failover = GlobalOptions.FailoverTime();
        var command = new Command("leases", "One row per lease: shard, state, owner, counter, checkpoint, pending checkpoint, parents, hash-key range (and lag with --lag).")
        {
            json, lag, observe, failover,
        };
        command.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, async (session, output, token) =>
        {
            var observer = new LeaseObserver(parse.GetValue(failover));
            var scan = await LeaseReading.ScanAsync(session, observer, parse.GetValue(observe) ? observer.FailoverTime : TimeSpan.Zero, token).ConfigureAwait(false);
            Dictionary<string, LagInfo>? lags = null;
            if (parse.GetValue(lag))
            {
                var stream = await session.RequireStreamAsync(scan, token).ConfigureAwait(false);
                lags = await LeaseReading.LagsAsync(session, scan, stream, token).ConfigureAwait(false);
            }

            var report = LeaseReading.Report(session, scan, observer, lags);
            if (parse.GetValue(json))
            {
                output.Json(report, CliJsonContext.Output.LeasesReport);
            }
            else
            {
                output.Console.Write(Tables.Leases(report, lags is not null));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
