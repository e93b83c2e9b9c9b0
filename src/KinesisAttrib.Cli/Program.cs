using KinesisAttrib.Cli;
using KinesisAttrib.Cli.Infrastructure;

return await CliApp.RunAsync(args, ToolEnvironment.System()).ConfigureAwait(false);
