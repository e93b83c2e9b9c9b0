using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace KinesisAttrib.Handlers;

/// <summary>
/// The JSON document the Kinesis stream destination (<c>AddKinesisStreamFailureDestination</c>) writes as a record's data: the failed record's
/// origin, the error, and the original bytes in base64 (so any payload, binary or not, survives intact).
/// </summary>
/// <remarks>
/// <code>
/// {"kind":"KinesisAttrib.FailedRecord","version":1,"application":"billing","stream":"orders",
///  "shardId":"shardId-000000000000","sequenceNumber":"4959…","subSequenceNumber":0,"partitionKey":"k",
///  "explicitHashKey":null,"approximateArrivalTimestamp":"2025-01-31T00:00:00.000+00:00","handler":"Sample.OrderHandlers.OnOrder",
///  "reason":"HandlerFailed","attempts":4,"errorType":"System.TimeoutException","errorMessage":"…",
///  "failedAt":"2025-01-31T00:00:05.000+00:00","data":"eyJpZCI6NDJ9"}
/// </code>
/// Timestamps are ISO 8601 with offset; <c>data</c> is standard base64. Written with <see cref="Utf8JsonWriter"/> and
/// read with <see cref="JsonDocument"/>: no reflection, Native AOT safe.
/// </remarks>
public sealed record FailedRecordEnvelope
{
    /// <summary>The value of <c>kind</c>.</summary>
    public const string Kind = "KinesisAttrib.FailedRecord";

    /// <summary>The format version written (<c>version</c>).</summary>
    public const int CurrentVersion = 1;

    /// <summary>The application (<c>application</c>).</summary>
    public required string ApplicationName { get; init; }

    /// <summary>The source stream (<c>stream</c>).</summary>
    public required string StreamName { get; init; }

    /// <summary>The source shard (<c>shardId</c>).</summary>
    public required string ShardId { get; init; }

    /// <summary>The record's sequence number (<c>sequenceNumber</c>).</summary>
    public required string SequenceNumber { get; init; }

    /// <summary>The record's sub-sequence number (<c>subSequenceNumber</c>).</summary>
    public long SubSequenceNumber { get; init; }

    /// <summary>The record's partition key (<c>partitionKey</c>).</summary>
    public required string PartitionKey { get; init; }

    /// <summary>The KPL explicit hash key, if any (<c>explicitHashKey</c>).</summary>
    public string? ExplicitHashKey { get; init; }

    /// <summary>When Kinesis accepted the record (<c>approximateArrivalTimestamp</c>).</summary>
    public DateTimeOffset? ApproximateArrivalTimestamp { get; init; }

    /// <summary>The handler (<c>handler</c>).</summary>
    public required string HandlerName { get; init; }

    /// <summary>Why the record failed (<c>reason</c>, the enum name).</summary>
    public FailureReason Reason { get; init; }

    /// <summary>How many times it was tried (<c>attempts</c>).</summary>
    public int Attempts { get; init; }

    /// <summary>The last error's type (<c>errorType</c>).</summary>
    public string? ErrorType { get; init; }

    /// <summary>The last error's message (<c>errorMessage</c>).</summary>
    public required string ErrorMessage { get; init; }

    /// <summary>When the policy gave up (<c>failedAt</c>).</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>The original record data (<c>data</c>, base64 in the JSON).</summary>
    public required byte[] Data { get; init; }

    /// <summary>Serializes a failed record as the envelope's UTF-8 JSON.</summary>
    public static byte[] Write(FailedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(512 + (record.Data.Length * 4 / 3));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind);
            json.WriteNumber("version", CurrentVersion);
            json.WriteString("application", record.ApplicationName);
            json.WriteString("stream", record.StreamName);
            json.WriteString("shardId", record.ShardId);
            json.WriteString("sequenceNumber", record.SequenceNumber);
            json.WriteNumber("subSequenceNumber", record.SubSequenceNumber);
            json.WriteString("partitionKey", record.PartitionKey);
            WriteOptional(json, "explicitHashKey", record.Record.ExplicitHashKey);
            WriteOptional(json, "approximateArrivalTimestamp", Timestamp(record.ApproximateArrivalTimestamp));
            json.WriteString("handler", record.HandlerName);
            json.WriteString("reason", record.Reason.ToString());
            json.WriteNumber("attempts", record.Attempts);
            WriteOptional(json, "errorType", record.ErrorType);
            json.WriteString("errorMessage", record.ErrorMessage);
            json.WriteString("failedAt", Timestamp(record.FailedAt));
            json.WriteBase64String("data", record.Data.Span);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an envelope written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The bytes are not such an envelope; the message says what is missing.</exception>
    public static FailedRecordEnvelope Read(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The data is not a KinesisAttrib failed-record envelope: it is not JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.GetString() != Kind)
            {
                throw new FormatException($"The data is not a KinesisAttrib failed-record envelope: it has no \"kind\":\"{Kind}\".");
            }

            return new FailedRecordEnvelope
            {
                ApplicationName = Required(root, "application"),
                StreamName = Required(root, "stream"),
                ShardId = Required(root, "shardId"),
                SequenceNumber = Required(root, "sequenceNumber"),
                SubSequenceNumber = root.TryGetProperty("subSequenceNumber", out var sub) ? sub.GetInt64() : 0,
                PartitionKey = Required(root, "partitionKey"),
                ExplicitHashKey = Optional(root, "explicitHashKey"),
                ApproximateArrivalTimestamp = Optional(root, "approximateArrivalTimestamp") is { } arrival ? ParseTimestamp(arrival) : null,
                HandlerName = Required(root, "handler"),
                Reason = Enum.TryParse<FailureReason>(Required(root, "reason"), out var reason) ? reason : throw new FormatException("The envelope's \"reason\" is not a FailureReason."),
                Attempts = root.TryGetProperty("attempts", out var attempts) ? attempts.GetInt32() : 0,
                ErrorType = Optional(root, "errorType"),
                ErrorMessage = Required(root, "errorMessage"),
                FailedAt = ParseTimestamp(Required(root, "failedAt")),
                Data = root.TryGetProperty("data", out var data) ? data.GetBytesFromBase64() : throw new FormatException("The envelope has no \"data\"."),
            };
        }
    }

    /// <summary>The record's position in its source shard.</summary>
    public ExtendedSequenceNumber Position => new(SequenceNumber, SubSequenceNumber);

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string? Timestamp(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new FormatException($"The envelope's timestamp '{value}' is not ISO 8601.");

    private static string Required(JsonElement root, string name) =>
        Optional(root, name) ?? throw new FormatException($"The envelope has no \"{name}\".");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
