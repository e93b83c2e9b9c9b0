using System.Net.Sockets;
using Amazon.Runtime;

namespace KinesisAttrib.Leases;

/// <summary>Tells the lease-table failures worth retrying (the table did not answer, or answered "later") from the rest.</summary>
internal static class LeaseStoreErrors
{
    private static readonly HashSet<string> s_throttling = new(StringComparer.Ordinal)
    {
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "Throttling",
        "TransactionConflictException", "InternalServerError", "ServiceUnavailable", "LimitExceededException",
        "RequestTimeout", "RequestTimeoutException",
    };

    /// <summary>
    /// True for an outage or an overload that a later attempt can get past: no connection, a reset or timeout, a 5xx,
    /// throttling. False for cancellation by <paramref name="cancellationToken"/>, a lost lease, and answers that
    /// will not change (a missing table, access denied, a malformed request).
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || exception is Handlers.LeaseLostException)
        {
            return false;
        }

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AmazonServiceException service when (int)service.StatusCode >= 500 || service.StatusCode == System.Net.HttpStatusCode.TooManyRequests || s_throttling.Contains(service.ErrorCode ?? "") || service.Retryable is not null:
                case HttpRequestException or IOException or SocketException or TimeoutException:
                case OperationCanceledException: // a client-side timeout: the caller's token is not cancelled
                    return true;
                case AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.BadRequest }:
                    // A 4xx that is not throttling: the same request will be refused again.
                    return false;
            }
        }

        return false;
    }
}
