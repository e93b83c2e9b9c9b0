namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>
/// What the tool runs against: its output streams, its environment variables and, for tests, the services
/// (in-memory ports) to use instead of the AWS ones.
/// </summary>
internal sealed class ToolEnvironment
{
    /// <summary>Standard output: tables, JSON.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: the one line naming a problem.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (credentials, region, endpoints).</summary>
    public Func<string, string?> Variables { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Builds the services for the settings; null for DynamoDB and Kinesis over HTTP.</summary>
    public Func<ToolSettings, ToolServices>? Services { get; init; }

    /// <summary>The clock for observation windows and ages.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>True when standard output is a terminal: colours and the live view.</summary>
    public bool Interactive { get; init; }

    /// <summary>The process's own console.</summary>
    public static ToolEnvironment System() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Interactive = !Console.IsOutputRedirected,
    };
}
