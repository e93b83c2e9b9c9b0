using KinesisAttrib.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Processing;

/// <summary>
/// Finds the on-failure destination a handler's settings name. The host calls it at start (so a missing destination
/// fails the start, naming the handler) and each processor at initialization (to get the destination it sends to).
/// </summary>
internal static class FailureDestinationResolver
{
    /// <summary>
    /// The destination, or null when the settings need none. A policy that can give up on a record (a retry limit or a
    /// maximum age) without a destination registered is an error: giving up would have to skip the record, and nothing
    /// is skipped without reaching a destination.
    /// </summary>
    public static IFailedRecordDestination? Resolve(IServiceProvider services, HandlerSettings settings, string applicationName)
    {
        var destination = settings.FailureDestination is { } key
            ? services.GetKeyedService<IFailedRecordDestination>(key)
            : services.GetService<IFailedRecordDestination>();
        if (destination is null && (settings.NeedsDestination || settings.FailureDestination is not null))
        {
            var which = settings.FailureDestination is { } name ? $"a keyed IFailedRecordDestination '{name}'" : "an IFailedRecordDestination";
            var register = $"Register one (e.g. services.AddKinesisStreamFailureDestination(\"failed-orders\"{(settings.FailureDestination is { } key2 ? $", name: \"{key2}\"" : "")}))";
            throw new InvalidOperationException(settings.NeedsDestination
                ? $"Handler {settings.HandlerName} (application '{applicationName}') can give up on a record (MaxRetryAttempts {settings.MaxRetryAttempts}, MaxRecordAge {settings.MaxRecordAge}) but {which} is not registered, so the record would be lost. {register} or remove the limits."
                : $"Handler {settings.HandlerName} (application '{applicationName}') names FailureDestination '{settings.FailureDestination}' but {which} is not registered. {register} or remove FailureDestination.");
        }

        return destination;
    }
}
