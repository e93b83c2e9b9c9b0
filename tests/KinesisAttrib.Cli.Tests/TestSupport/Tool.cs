using System.Text.Json;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Tests.TestSupport;

/// <summary>What one run of the tool printed and returned.</summary>
internal sealed record ToolResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Out).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs <c>kinesisattrib</c> in-process with captured output and explicit environment variables only.</summary>
internal static class Tool
{
    /// <summary>Against in-memory ports: the table exists when its name is <paramref name="knownTable"/>.</summary>
    public static Task<ToolResult> RunInMemoryAsync(IKinesisClient kinesis, ILeaseStore store, string knownTable, params string[] args) =>
        RunAsync(
            _ => new Dictionary<string, string>(StringComparer.Ordinal).GetValueOrDefault(_),
            settings => new ToolServices
            {
                Kinesis = kinesis,
                Store = store,
                KinesisEndpoint = "memory://kinesis",
                DynamoDbEndpoint = "memory://dynamodb",
                TableExistsAsync = _ => Task.FromResult(settings.TableName == knownTable),
            },
            args);

    /// <summary>Against real endpoints, with the given environment (credentials, region) and nothing from the process's.</summary>
    public static Task<ToolResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(name => environment.GetValueOrDefault(name), null, args);

    private static async Task<ToolResult> RunAsync(Func<string, string?> variables, Func<ToolSettings, ToolServices>? services, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new ToolEnvironment { Out = output, Error = error, Variables = variables, Services = services };
        var code = await CliApp.RunAsync(args, environment);
        return new ToolResult(code, output.ToString(), error.ToString());
    }
}
