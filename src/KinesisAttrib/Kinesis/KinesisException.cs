using System.Net;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// An error the Kinesis service (or the transport to it) reported; <see cref="ErrorType"/> says which. Only the errors
/// some caller handles apart have their own subtype (<see cref="ResourceNotFoundException"/>,
/// <see cref="ExpiredIteratorException"/>, <see cref="ProvisionedThroughputExceededException"/>); the rest (invalid
/// arguments, a resource in use, access denied, KMS errors, limits, internal failures, a malformed response, transport
/// failures) are this type with the AWS error type.
/// </summary>
public class KinesisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KinesisException(string errorType, string message, HttpStatusCode? statusCode = null, string? requestId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The AWS error type, e.g. <c>ResourceNotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The HTTP status, when there was a response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The AWS request id, when there was a response.</summary>
    public string? RequestId { get; }

    /// <summary>The Kinesis operation that failed, e.g. <c>GetRecords</c>, when known.</summary>
    public string? Operation { get; internal set; }

    /// <summary>The stream the call was about, when known.</summary>
    public string? StreamName { get; internal set; }

    /// <summary>The error was a clock-skew refusal and the client has corrected its signing clock since.</summary>
    internal bool ClockSkewCorrected { get; set; }

    /// <summary>How many attempts the client made before giving up (1 when the error was not retried).</summary>
    public int Attempts { get; internal set; } = 1;

    /// <inheritdoc />
    public override string Message => Attempts > 1 ? $"{base.Message} (gave up after {Attempts} attempts)" : base.Message;

    /// <summary>Whether retrying the same call later may succeed (throttling, 5xx, transport, a garbled response).</summary>
    public virtual bool IsRetryable => ErrorType switch
    {
        "LimitExceededException" or "InternalFailureException" or MalformedResponse or EventStreamReader.MalformedEventStream => true,
        "AccessDeniedException" or "ExpiredNextTokenException" or "InvalidArgumentException" or "ResourceInUseException" => false,

        // KMS refusals (disabled, not found, access denied, ...) stay refused; only its throttling passes.
        _ when ErrorType.StartsWith("KMS", StringComparison.Ordinal) => ErrorType == "KMSThrottlingException",
        _ => StatusCode is null || (int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests
            || IsThrottlingErrorType(ErrorType) || IsTransientErrorType(ErrorType),
    };

    /// <summary>The <see cref="ErrorType"/> of a success status whose body is not the expected JSON.</summary>
    internal const string MalformedResponse = "MalformedResponse";

    /// <summary>
    /// A success status with a body that is not the expected JSON (truncated, garbled by a proxy, or missing a
    /// required field). Retryable: the usual cause is a connection cut mid-body.
    /// </summary>
    internal static KinesisException Malformed(
        string message, string? operation = null, string? streamName = null, string? requestId = null, Exception? innerException = null) =>
        new(MalformedResponse, message, HttpStatusCode.OK, requestId, innerException) { Operation = operation, StreamName = streamName };

    /// <summary>The generic AWS throttling error types (the AWS SDKs' standard retry list), which any service may return with a 400.</summary>
    internal static bool IsThrottlingErrorType(string errorType) => errorType is
        "ThrottlingException" or "Throttling" or "ThrottledException" or "RequestThrottledException"
        or "TooManyRequestsException" or "RequestLimitExceeded" or "SlowDown" or "RequestThrottled"
        or "BandwidthLimitExceeded" or "PriorRequestNotComplete" or "TransactionInProgressException";

    /// <summary>The AWS SDKs' transient (timeout) error types, retried like a 5xx.</summary>
    private static bool IsTransientErrorType(string errorType) => errorType is "RequestTimeout" or "RequestTimeoutException";
}

/// <summary>The stream or shard does not exist.</summary>
public sealed class ResourceNotFoundException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("ResourceNotFoundException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The shard or account is over its read or write throughput.</summary>
public sealed class ProvisionedThroughputExceededException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("ProvisionedThroughputExceededException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>The shard iterator is older than five minutes; get a new one.</summary>
public sealed class ExpiredIteratorException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("ExpiredIteratorException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}
