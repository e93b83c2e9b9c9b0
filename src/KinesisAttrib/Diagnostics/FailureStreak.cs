using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>
/// A run of transient failures of one operation (a shard's reads, a lease's checkpoint, a worker's renewals), logged
/// as an operator wants it: one warning line when it starts (no stack trace), repeats at debug, and one line when it
/// works again with how long it did not. Thread-safe: one streak may count the concurrent renewals of many leases.
/// </summary>
/// <param name="logger">Where to log.</param>
/// <param name="time">The clock that measures the run.</param>
/// <param name="service">The service that failed: <c>Kinesis</c> or <c>DynamoDB</c>.</param>
/// <param name="operation">What was attempted, e.g. <c>GetRecords</c> or <c>checkpoint write</c>.</param>
/// <param name="subject">What it was for, e.g. <c>application 'archive', stream 'orders', shard 'shardId-000000000001'</c>.</param>
internal sealed class FailureStreak(ILogger logger, TimeProvider time, string service, string operation, string subject)
{
    private readonly object _gate = new();
    private long _since;
    private int _failures;

    /// <summary>The failures since the last success.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Counts a failure and logs it: at warning when it is the first of a run, at debug after that.</summary>
    public void Failed(Exception exception)
    {
        int failures;
        lock (_gate)
        {
            failures = ++_failures;
            if (failures == 1)
            {
                _since = time.GetTimestamp();
            }
        }

        if (failures == 1)
        {
            OutageLog.FailureStarted(logger, service, operation, subject, Describe(exception));
        }
        else
        {
            OutageLog.FailureRepeated(logger, service, operation, subject, failures, Describe(exception));
        }
    }

    /// <summary>Ends a run of failures, if there was one, logging how long it lasted.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _failures) == 0)
        {
            return;
        }

        int failures;
        long since;
        lock (_gate)
        {
            (failures, since, _failures) = (_failures, _since, 0);
        }

        if (failures > 0)
        {
            OutageLog.Recovered(logger, service, operation, subject, time.GetElapsedTime(since).TotalSeconds, failures);
        }
    }

    /// <summary>One line: the exception's message and the innermost cause (e.g. "Connection refused (127.0.0.1:4567)").</summary>
    public static string Describe(Exception exception)
    {
        var root = Innermost(exception);
        return ReferenceEquals(root, exception) || exception.Message.Contains(root.Message, StringComparison.Ordinal)
            ? $"{exception.GetType().Name}: {exception.Message}"
            : $"{exception.GetType().Name}: {exception.Message} ({root.Message})";
    }

    /// <summary>The innermost exception: the AWS SDK and HttpClient wrap the transport's own error in theirs.</summary>
    public static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
