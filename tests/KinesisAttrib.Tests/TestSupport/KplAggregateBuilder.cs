using System.Security.Cryptography;
using System.Text;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// Builds KPL aggregated records byte by byte, as the KPL writes them: magic <c>F3 89 9A C2</c>, the protobuf
/// <c>AggregatedRecord</c> (partition key table = 1, explicit hash key table = 2, records = 3; a Record has partition
/// key index = 1, explicit hash key index = 2, data = 3, tags = 4; a Tag has key = 1, value = 2), then the MD5 of the
/// protobuf. Hooks let a test add unknown fields or break the encoding. Shared by the unit, integration and benchmark
/// projects (linked).
/// </summary>
internal sealed class KplAggregateBuilder
{
    public static readonly byte[] Magic = [0xF3, 0x89, 0x9A, 0xC2];

    private readonly List<string> _partitionKeys = [];
    private readonly List<string> _explicitHashKeys = [];
    private readonly List<Action<ProtobufWriter>> _records = [];

    /// <summary>Written at the start of the AggregatedRecord (e.g. unknown fields).</summary>
    public Action<ProtobufWriter>? Prefix { get; set; }

    /// <summary>Written at the end of the AggregatedRecord.</summary>
    public Action<ProtobufWriter>? Suffix { get; set; }

    public int Count => _records.Count;

    /// <summary>Adds a user record; its keys go into the tables once each, as the KPL does.</summary>
    public KplAggregateBuilder Add(string partitionKey, byte[] data, string? explicitHashKey = null, (string Key, string? Value)[]? tags = null, Action<ProtobufWriter>? extraFields = null)
    {
        var keyIndex = IndexOf(_partitionKeys, partitionKey);
        var hashKeyIndex = explicitHashKey is null ? (int?)null : IndexOf(_explicitHashKeys, explicitHashKey);
        _records.Add(w =>
        {
            w.Varint(1, (ulong)keyIndex);
            if (hashKeyIndex is { } h)
            {
                w.Varint(2, (ulong)h);
            }

            w.Bytes(3, data);
            foreach (var (key, value) in tags ?? [])
            {
                w.Message(4, t =>
                {
                    t.String(1, key);
                    if (value is not null)
                    {
                        t.String(2, value);
                    }
                });
            }

            extraFields?.Invoke(w);
        });
        return this;
    }

    /// <summary>Adds a user record written entirely by the test (to leave out required fields, point outside the tables, ...).</summary>
    public KplAggregateBuilder AddRaw(Action<ProtobufWriter> record)
    {
        _records.Add(record);
        return this;
    }

    /// <summary>Adds a partition key table entry no record uses.</summary>
    public KplAggregateBuilder AddPartitionKey(string partitionKey)
    {
        IndexOf(_partitionKeys, partitionKey);
        return this;
    }

    /// <summary>Adds an explicit hash key table entry no record uses.</summary>
    public KplAggregateBuilder AddExplicitHashKey(string explicitHashKey)
    {
        IndexOf(_explicitHashKeys, explicitHashKey);
        return this;
    }

    /// <summary>The AggregatedRecord protobuf alone.</summary>
    public byte[] BuildProtobuf()
    {
        var w = new ProtobufWriter();
        Prefix?.Invoke(w);
        foreach (var key in _partitionKeys)
        {
            w.String(1, key);
        }

        foreach (var key in _explicitHashKeys)
        {
            w.String(2, key);
        }

        foreach (var record in _records)
        {
            w.Message(3, record);
        }

        Suffix?.Invoke(w);
        return w.ToArray();
    }

    /// <summary>The whole Kinesis record data: magic, protobuf, MD5.</summary>
    public byte[] Build() => Wrap(BuildProtobuf());

    /// <summary>Magic + <paramref name="protobuf"/> + its MD5 (a valid frame around any bytes).</summary>
    public static byte[] Wrap(byte[] protobuf)
    {
#pragma warning disable CA5351 // The KPL format's checksum.
        var digest = MD5.HashData(protobuf);
#pragma warning restore CA5351
        return [.. Magic, .. protobuf, .. digest];
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
}

/// <summary>Writes protobuf wire format by hand.</summary>
internal sealed class ProtobufWriter
{
    private readonly List<byte> _buffer = [];

    public ProtobufWriter Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    public ProtobufWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.Add((byte)value);
        return this;
    }

    public ProtobufWriter Raw(params byte[] bytes)
    {
        _buffer.AddRange(bytes);
        return this;
    }

    public ProtobufWriter Varint(int field, ulong value) => Tag(field, 0).RawVarint(value);

    public ProtobufWriter Fixed64(int field, ulong value) => Tag(field, 1).Raw(BitConverter.GetBytes(value));

    public ProtobufWriter Fixed32(int field, uint value) => Tag(field, 5).Raw(BitConverter.GetBytes(value));

    public ProtobufWriter Bytes(int field, byte[] value) => Tag(field, 2).RawVarint((ulong)value.Length).Raw(value);

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Message(int field, Action<ProtobufWriter> body)
    {
        var inner = new ProtobufWriter();
        body(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A (deprecated) group: start tag, the body's fields, end tag.</summary>
    public ProtobufWriter Group(int field, Action<ProtobufWriter> body)
    {
        Tag(field, 3);
        body(this);
        return Tag(field, 4);
    }

    public byte[] ToArray() => _buffer.ToArray();
}
