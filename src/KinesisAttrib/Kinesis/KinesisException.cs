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

    /// <summary>Whether retrying the same call later may succeed (throttling, 5xx, transport).</summary>
    public virtual bool IsRetryable => StatusCode is null || (int)StatusCode >= 500;
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
