using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KinesisAttrib.Testing;

/// <summary>
/// A KPL aggregated record, built as the Kinesis Producer Library writes one: magic <c>F3 89 9A C2</c>, the protobuf
/// <c>AggregatedRecord</c> (partition key table, explicit hash key table, records), then the MD5 of the protobuf.
/// <see cref="ToBytes"/> is the Kinesis record's data, to put on a stream (the runtime splits it into user records);
/// <see cref="KinesisTestData.AggregatedRecords"/> gives the user records as a handler sees them.
/// </summary>
public sealed class KplAggregate
{
    private static readonly byte[] Magic = [0xF3, 0x89, 0x9A, 0xC2];

    private readonly List<KplUserRecord> _records = [];

    /// <summary>The user records added so far, in order.</summary>
    public IReadOnlyList<KplUserRecord> UserRecords => _records;

    /// <summary>How many user records the aggregate holds.</summary>
    public int Count => _records.Count;

    /// <summary>Adds a user record.</summary>
    public KplAggregate Add(string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(partitionKey);
        _records.Add(new KplUserRecord(partitionKey, data.ToArray(), explicitHashKey));
        return this;
    }

    /// <summary>Adds a user record holding <paramref name="text"/> in UTF-8.</summary>
    public KplAggregate AddText(string partitionKey, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(partitionKey, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Adds a user record holding <paramref name="value"/> as JSON, written with source-generated metadata.</summary>
    public KplAggregate AddJson<T>(string partitionKey, T value, JsonTypeInfo<T> jsonTypeInfo)
        => Add(partitionKey, JsonSerializer.SerializeToUtf8Bytes(value, jsonTypeInfo));

    /// <summary>The Kinesis record data: magic, protobuf, MD5.</summary>
    public byte[] ToBytes()
    {
        var partitionKeys = new List<string>();
        var hashKeys = new List<string>();
        using var protobuf = new MemoryStream();
        var bodies = new List<byte[]>();
        foreach (var record in _records)
        {
            using var body = new MemoryStream();
            WriteVarintField(body, 1, (ulong)IndexOf(partitionKeys, record.PartitionKey));
            if (record.ExplicitHashKey is { } hashKey)
            {
                WriteVarintField(body, 2, (ulong)IndexOf(hashKeys, hashKey));
            }

            WriteBytesField(body, 3, record.Data.Span);
            bodies.Add(body.ToArray());
        }

        // Tables first (fields 1 and 2), then the records (field 3), as the KPL orders them.
        foreach (var key in partitionKeys)
        {
            WriteBytesField(protobuf, 1, Encoding.UTF8.GetBytes(key));
        }

        foreach (var key in hashKeys)
        {
            WriteBytesField(protobuf, 2, Encoding.UTF8.GetBytes(key));
        }

        foreach (var body in bodies)
        {
            WriteBytesField(protobuf, 3, body);
        }

        var message = protobuf.ToArray();
#pragma warning disable CA5351 // MD5 is the KPL format's checksum, not a security measure.
        var digest = MD5.HashData(message);
#pragma warning restore CA5351
        return [.. Magic, .. message, .. digest];
    }

    private static int IndexOf(List<string> table, string value)
    {
        var index = table.IndexOf(value);
        if (index < 0)
        {
            table.Add(value);
            index = table.Count - 1;
        }

        return index;
    }

    private static void WriteVarintField(Stream stream, int field, ulong value)
    {
        WriteVarint(stream, (ulong)field << 3);
        WriteVarint(stream, value);
    }

    private static void WriteBytesField(Stream stream, int field, ReadOnlySpan<byte> value)
    {
        WriteVarint(stream, ((ulong)field << 3) | 2);
        WriteVarint(stream, (ulong)value.Length);
        stream.Write(value);
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }
}

/// <summary>One user record of a <see cref="KplAggregate"/>.</summary>
/// <param name="PartitionKey">Its partition key.</param>
/// <param name="Data">Its bytes.</param>
/// <param name="ExplicitHashKey">Its explicit hash key, or null.</param>
public sealed record KplUserRecord(string PartitionKey, ReadOnlyMemory<byte> Data, string? ExplicitHashKey);
