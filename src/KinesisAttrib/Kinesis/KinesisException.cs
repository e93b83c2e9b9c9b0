using System.Net;

namespace KinesisAttrib.Kinesis;

/// <summary>An error the Kinesis service (or the transport to it) reported.</summary>
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

    /// <summary>Whether retrying the same call later may succeed (throttling, 5xx, transport).</summary>
    public virtual bool IsRetryable =>
        StatusCode is null || (int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests
        || IsThrottlingErrorType(ErrorType) || IsTransientErrorType(ErrorType);

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

/// <summary>The resource is not in a state that allows the call (e.g. the stream is being created).</summary>
public sealed class ResourceInUseException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("ResourceInUseException", message, statusCode, requestId)
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

/// <summary>A request-rate or resource-count limit was hit.</summary>
public sealed class LimitExceededException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("LimitExceededException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>A parameter was invalid.</summary>
public sealed class InvalidArgumentException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("InvalidArgumentException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The credentials are not allowed to make the call.</summary>
public sealed class AccessDeniedException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("AccessDeniedException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>
/// The stream is encrypted and AWS KMS refused or failed the call. Each KMS error type has its own subtype
/// (<see cref="KmsAccessDeniedException"/>, <see cref="KmsDisabledException"/>, <see cref="KmsInvalidStateException"/>,
/// <see cref="KmsNotFoundException"/>, <see cref="KmsOptInRequiredException"/>, <see cref="KmsThrottlingException"/>);
/// catch this type to handle them all. <see cref="KinesisException.ErrorType"/> tells which.
/// </summary>
public class KmsException(string errorType, string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException(errorType, message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => ErrorType == "KMSThrottlingException";
}

/// <summary>KMS denied the stream's key to the caller (<c>KMSAccessDeniedException</c>).</summary>
public sealed class KmsAccessDeniedException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSAccessDeniedException", message, statusCode, requestId);

/// <summary>The stream's KMS key is disabled (<c>KMSDisabledException</c>).</summary>
public sealed class KmsDisabledException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSDisabledException", message, statusCode, requestId);

/// <summary>The stream's KMS key is not in a usable state (<c>KMSInvalidStateException</c>).</summary>
public sealed class KmsInvalidStateException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSInvalidStateException", message, statusCode, requestId);

/// <summary>The stream's KMS key does not exist (<c>KMSNotFoundException</c>).</summary>
public sealed class KmsNotFoundException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSNotFoundException", message, statusCode, requestId);

/// <summary>The account is not subscribed to KMS (<c>KMSOptInRequired</c>).</summary>
public sealed class KmsOptInRequiredException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSOptInRequired", message, statusCode, requestId);

/// <summary>KMS throttled the call (<c>KMSThrottlingException</c>); retryable.</summary>
public sealed class KmsThrottlingException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KmsException("KMSThrottlingException", message, statusCode, requestId);

/// <summary>The ListShards <c>NextToken</c> is older than 300 seconds; list again from the start.</summary>
public sealed class ExpiredNextTokenException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("ExpiredNextTokenException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The service failed internally; retrying later may succeed.</summary>
public sealed class InternalFailureException(string message, HttpStatusCode? statusCode = null, string? requestId = null)
    : KinesisException("InternalFailureException", message, statusCode, requestId)
{
    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>
/// A success status with a body that is not the expected JSON (truncated, garbled by a proxy, or missing a required
/// field). Retryable: the usual cause is a connection cut mid-body.
/// </summary>
public sealed class MalformedResponseException(string message, string? requestId = null, Exception? innerException = null)
    : KinesisException("MalformedResponse", message, HttpStatusCode.OK, requestId, innerException)
{
    /// <inheritdoc />
    public override bool IsRetryable => true;
}
