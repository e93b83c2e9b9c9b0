using System.Net;
using System.Text.Json;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// Decodes an AWS JSON error response (header, <c>code</c>/<c>__type</c>, message) into a <see cref="KinesisException"/>
/// whose message names the operation, the stream and the request id.
/// </summary>
internal static class KinesisErrorDecoder
{
    /// <summary>Builds the exception for an error response.</summary>
    public static KinesisException ToException(
        string operation,
        string? streamName,
        HttpStatusCode statusCode,
        string? requestId,
        string? errorTypeHeader,
        ReadOnlySpan<byte> body,
        Func<string, string>? redact = null)
    {
        ErrorWireResponse? error = null;
        if (!body.IsEmpty)
        {
            try
            {
                error = JsonSerializer.Deserialize(body, KinesisJsonContext.Default.ErrorWireResponse);
            }
            catch (JsonException)
            {
                // Not JSON (e.g. a proxy's HTML page): fall back to the status code.
            }
        }

        // The AWS JSON protocols' order: the X-Amzn-ErrorType header, then the body's "code", then its "__type".
        var errorType = NormalizeErrorType(errorTypeHeader) ?? NormalizeErrorType(error?.Code) ?? NormalizeErrorType(error?.Type)
            ?? FallbackErrorType(statusCode);
        var awsMessage = error?.LowerCaseMessage ?? error?.UpperCaseMessage;
        if (awsMessage is not null && redact is not null)
        {
            awsMessage = redact(awsMessage);
        }

        var message = $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} failed with {errorType} (HTTP {(int)statusCode}"
            + (requestId is null ? ")" : $", request id {requestId})")
            + (string.IsNullOrEmpty(awsMessage) ? "." : $": {awsMessage}");

        // Only the errors some caller catches apart get their own type; the rest are told apart by ErrorType.
        KinesisException exception = errorType switch
        {
            "ResourceNotFoundException" => new ResourceNotFoundException(message, statusCode, requestId),
            "ProvisionedThroughputExceededException" => new ProvisionedThroughputExceededException(message, statusCode, requestId),
            "ExpiredIteratorException" => new ExpiredIteratorException(message, statusCode, requestId),
            "InternalFailureException" or "InternalFailure" or "ServiceUnavailable" or "ServiceUnavailableException"
                => new KinesisException("InternalFailureException", message, statusCode, requestId),
            _ => new KinesisException(errorType, message, statusCode, requestId),
        };
        exception.Operation = operation;
        exception.StreamName = streamName;
        return exception;
    }

    /// <summary>
    /// <c>com.amazonaws.kinesis.v20131202#ResourceNotFoundException</c> or <c>X:http://…</c> → <c>X</c>: as the AWS JSON
    /// protocols specify, everything from the first <c>:</c> (or <c>,</c>) is dropped first, then everything up to the
    /// first <c>#</c>, so a <c>#</c> inside the trailing URI cannot pick the wrong part.
    /// </summary>
    internal static string? NormalizeErrorType(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var type = raw.AsSpan().Trim();
        var end = type.IndexOfAny(':', ',');
        if (end >= 0)
        {
            type = type[..end];
        }

        var hash = type.IndexOf('#');
        if (hash >= 0)
        {
            type = type[(hash + 1)..];
        }

        type = type.Trim();
        return type.IsEmpty ? null : type.ToString();
    }

    private static string FallbackErrorType(HttpStatusCode statusCode) => statusCode switch
    {
        HttpStatusCode.TooManyRequests => "ThrottlingException",
        HttpStatusCode.Forbidden => "AccessDeniedException",
        >= HttpStatusCode.InternalServerError => "InternalFailureException",
        _ => "UnknownError",
    };
}
