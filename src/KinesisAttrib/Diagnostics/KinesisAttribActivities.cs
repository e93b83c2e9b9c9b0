using System.Diagnostics;

namespace KinesisAttrib.Diagnostics;

/// <summary>
/// The activity source <c>KinesisAttrib</c>: one <c>process {stream}</c> consumer span per batch, with child spans for
/// checkpoint writes, in-place retries and on-failure destination writes (docs/observability.md). Nothing is built
/// unless a listener samples the source: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null then, and every
/// method here checks for it.
/// </summary>
internal static class KinesisAttribActivities
{
    public static readonly ActivitySource Source = new(TelemetryNames.Name, typeof(KinesisAttribActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of one batch, or returns null when nobody listens.</summary>
    public static Activity? StartProcess(ShardTelemetry shard, string application, string stream, string shardId, int count, string firstSequenceNumber, string lastSequenceNumber)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"process {stream}", ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryNames.MessagingSystem, TelemetryNames.MessagingSystemValue);
            activity.SetTag(TelemetryNames.OperationName, "process");
            activity.SetTag(TelemetryNames.OperationType, "process");
            activity.SetTag(TelemetryNames.Stream, stream);
            activity.SetTag(TelemetryNames.Application, application);
            activity.SetTag(TelemetryNames.Shard, shardId);
            activity.SetTag(TelemetryNames.Worker, shard.Scheduler?.WorkerId);
            activity.SetTag(TelemetryNames.BatchSize, count);
            activity.SetTag(TelemetryNames.FirstSequenceNumber, firstSequenceNumber);
            activity.SetTag(TelemetryNames.LastSequenceNumber, lastSequenceNumber);
        }

        return activity;
    }

    /// <summary>Starts a child span (checkpoint, retry, destination write) under the current one, or returns null.</summary>
    public static Activity? StartChild(string name)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        return Source.StartActivity(name, ActivityKind.Internal);
    }

    /// <summary>Marks the span successful with an outcome.</summary>
    public static void Succeeded(Activity? activity, string outcome = "success")
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryNames.Outcome, outcome);
        activity.SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>
    /// Records <paramref name="exception"/> on the span (an <c>exception</c> event, as the OpenTelemetry conventions
    /// name it; <c>Activity.AddException</c> is not on net8.0) and marks it failed. Returns false, so that it can run
    /// as an exception filter.
    /// </summary>
    public static bool Failed(Activity? activity, Exception exception, string outcome = "error")
    {
        if (activity is null)
        {
            return false;
        }

        activity.SetTag(TelemetryNames.Outcome, outcome);
        activity.SetTag(TelemetryNames.ErrorType, exception.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddEvent(new ActivityEvent(
            "exception",
            tags: new ActivityTagsCollection
            {
                ["exception.type"] = exception.GetType().FullName,
                ["exception.message"] = exception.Message,
                ["exception.stacktrace"] = exception.ToString(),
            }));
        return false;
    }
}
