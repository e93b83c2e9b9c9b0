using System.CommandLine;
using KinesisAttrib.Cli.Commands;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Rendering;

namespace KinesisAttrib.Cli;

/// <summary>The command tree of <c>kinesisattrib</c> and its exit codes (0 success, 1 failure, 2 usage error).</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, ToolEnvironment environment, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        var root = new RootCommand(
            "kinesisattrib: see and steer the leases, checkpoints and lag of a KinesisAttrib or Java KCL application.\n"
            + "Exit codes: 0 success, 1 failure (or doctor findings to act on), 2 usage error.");
        foreach (var option in new Option[] { options.Application, options.LeaseTable, options.Stream, options.Region, options.KinesisEndpoint, options.DynamoDbEndpoint, options.Timeout })
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(LeasesCommand.Create(options, environment));
        root.Subcommands.Add(WorkersCommand.Create(options, environment));
        root.Subcommands.Add(WatchCommand.Create(options, environment));
        root.Subcommands.Add(CheckpointCommand.Create(options, environment));
        root.Subcommands.Add(ReleaseCommand.Create(options, environment));
        root.Subcommands.Add(DoctorCommand.Create(options, environment));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelp(args))
        {
            // One line naming the problem, then where to look; System.CommandLine's own error action would exit 1.
            // "Required command was not provided" comes first but says least when a word was not understood.
            var error = parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) ?? parse.Errors[0];
            environment.Error.WriteLine($"kinesisattrib: {error.Message} (see kinesisattrib --help)");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (!ReferenceEquals(environment.Out, Console.Out))
        {
            // In-process runs (tests) must not install a Ctrl+C handler on the host process.
            invocation.ProcessTerminationTimeout = null;
        }

        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command body with its session and maps failures to one line and an exit code.</summary>
    public static async Task<int> RunCommandAsync(
        ToolEnvironment environment,
        GlobalOptions options,
        ParseResult parse,
        Func<Session, Output, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        try
        {
            var settings = options.Bind(parse);
            using var session = new Session(settings, environment.Services?.Invoke(settings) ?? ToolServices.CreateAws(settings, environment.Variables), environment.Time);
            await session.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            return await body(session, new Output(environment), cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await environment.Error.WriteLineAsync($"kinesisattrib: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (ToolFailureException ex)
        {
            await environment.Error.WriteLineAsync($"kinesisattrib: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync("kinesisattrib: cancelled").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?" or "--version");
}
