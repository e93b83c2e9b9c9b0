using System.CommandLine;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;
using KinesisAttrib.Cli.Rendering;

namespace KinesisAttrib.Cli.Commands;

/// <summary><c>kinesisattrib workers</c>: the workers named in the lease table, their leases and share.</summary>
internal static class WorkersCommand
{
    public static Command Create(GlobalOptions options, ToolEnvironment environment)
    {
        var json = GlobalOptions.Json();
        var observe = new Option<bool>("--observe") { Description = "Scan twice, the failover time apart, to see which workers still write (last activity)." };
        var failover = GlobalOptions.FailoverTime();
        var command = new Command("workers", "Workers holding leases: how many each, their share against the even share, last activity.")
        {
            json, observe, failover,
        };
        command.SetAction((parse, ct) => CliApp.RunCommandAsync(environment, options, parse, async (session, output, token) =>
        {
            var observer = new LeaseObserver(parse.GetValue(failover));
            var scan = await LeaseReading.ScanAsync(session, observer, parse.GetValue(observe) ? observer.FailoverTime : TimeSpan.Zero, token).ConfigureAwait(false);
            var report = LeaseRows.Workers(session.Settings, scan, observer, session.Time.GetUtcNow());
            if (parse.GetValue(json))
            {
                output.Json(report, CliJsonContext.Output.WorkersReport);
            }
            else
            {
                output.Console.Write(Tables.Workers(report));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
