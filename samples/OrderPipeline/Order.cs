using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderPipeline;

/// <summary>What producers put on the stream, one JSON object per record; the partition key is the customer id.</summary>
public sealed record Order(
    string OrderId,
    string CustomerId,
    decimal Amount,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset CreatedAt);

/// <summary>One line of the archive: the order plus where and when it was processed.</summary>
public sealed record ArchiveLine(
    string OrderId,
    string CustomerId,
    decimal Amount,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset CreatedAt,
    string ShardId,
    string SequenceNumber,
    long SubSequenceNumber,
    string PartitionKey,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset ProcessedAt,
    string WorkerId);

/// <summary>Source-generated JSON metadata: the handlers' payloads are read without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(ArchiveLine))]
public sealed partial class OrderJsonContext : JsonSerializerContext;

/// <summary>Writes timestamps as ISO-8601 UTC with millisecond precision, e.g. <c>2026-01-01T00:00:42.000Z</c>.</summary>
public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
