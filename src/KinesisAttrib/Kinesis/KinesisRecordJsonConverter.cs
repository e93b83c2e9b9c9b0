using System.Text.Json;
using System.Text.Json.Serialization;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// Reads a GetRecords record straight into the public <see cref="KinesisRecord"/>: the base64 <c>Data</c> is decoded
/// from the UTF-8 JSON bytes into the record's own array (no intermediate string, no wire object, no copy), and the
/// two encryption types are shared strings. GetRecords responses carry up to 10,000 records, so this is the hot path.
/// </summary>
internal sealed class KinesisRecordJsonConverter : JsonConverter<KinesisRecord>
{
    private const string None = "NONE";
    private const string Kms = "KMS";

    public override KinesisRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A GetRecords record must be a JSON object, not {reader.TokenType}.");
        }

        string? sequenceNumber = null;
        string? partitionKey = null;
        string? encryptionType = null;
        byte[]? data = null;
        DateTimeOffset? arrival = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return new KinesisRecord
                {
                    SequenceNumber = sequenceNumber ?? throw new JsonException("A GetRecords record has no SequenceNumber."),
                    Data = data ?? [],
                    PartitionKey = partitionKey ?? string.Empty,
                    ApproximateArrivalTimestamp = arrival,
                    EncryptionType = encryptionType,
                };
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException($"Unexpected {reader.TokenType} in a GetRecords record.");
            }

            if (reader.ValueTextEquals("Data"u8))
            {
                reader.Read();
                data = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
            }
            else if (reader.ValueTextEquals("SequenceNumber"u8))
            {
                reader.Read();
                sequenceNumber = reader.GetString();
            }
            else if (reader.ValueTextEquals("PartitionKey"u8))
            {
                reader.Read();
                partitionKey = reader.GetString();
            }
            else if (reader.ValueTextEquals("ApproximateArrivalTimestamp"u8))
            {
                reader.Read();
                arrival = reader.TokenType == JsonTokenType.Null ? null : KinesisWireMapper.FromEpochSeconds(reader.GetDouble());
            }
            else if (reader.ValueTextEquals("EncryptionType"u8))
            {
                reader.Read();
                encryptionType = reader.TokenType == JsonTokenType.Null ? null
                    : reader.ValueTextEquals("NONE"u8) ? None
                    : reader.ValueTextEquals("KMS"u8) ? Kms
                    : reader.GetString();
            }
            else
            {
                // A field added to the API later: skip it whole.
                reader.Read();
                reader.Skip();
            }
        }

        throw new JsonException("A GetRecords record ends before its closing brace.");
    }

    public override void Write(Utf8JsonWriter writer, KinesisRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("SequenceNumber"u8, value.SequenceNumber);
        if (value.ApproximateArrivalTimestamp is { } arrival)
        {
            writer.WriteNumber("ApproximateArrivalTimestamp"u8, KinesisWireMapper.ToEpochSeconds(arrival));
        }

        writer.WriteBase64String("Data"u8, value.Data.Span);
        writer.WriteString("PartitionKey"u8, value.PartitionKey);
        if (value.EncryptionType is not null)
        {
            writer.WriteString("EncryptionType"u8, value.EncryptionType);
        }

        writer.WriteEndObject();
    }
}
