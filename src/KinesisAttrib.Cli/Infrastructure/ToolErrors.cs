namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>The operator asked for something that cannot be (a name that does not exist, a malformed value): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The request was sound but could not be carried out (an endpoint did not answer, a write was refused): exit code 1.</summary>
internal sealed class ToolFailureException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A failure, or (doctor) a finding that needs action.</summary>
    public const int Failure = 1;

    /// <summary>A usage error: bad syntax, a malformed value, an unknown application, table, stream or shard.</summary>
    public const int Usage = 2;
}
