using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>
/// Transient failures of Kinesis or DynamoDB and their recovery, as <see cref="FailureStreak"/> logs them. Event ids
/// 500–599; docs/logging.md lists them.
/// </summary>
internal static partial class OutageLog
{
    [LoggerMessage(501, LogLevel.Warning, "{Service} {Operation} failed for {Subject}: {Error}. Retrying; repeats are logged at Debug")]
    public static partial void FailureStarted(ILogger logger, string service, string operation, string subject, string error);

    [LoggerMessage(502, LogLevel.Debug, "{Service} {Operation} failed again for {Subject} ({Failures} failures so far): {Error}")]
    public static partial void FailureRepeated(ILogger logger, string service, string operation, string subject, int failures, string error);

    [LoggerMessage(503, LogLevel.Information, "{Service} {Operation} works again for {Subject}, after {Seconds:0.0} s and {Failures} failures")]
    public static partial void Recovered(ILogger logger, string service, string operation, string subject, double seconds, int failures);
}
