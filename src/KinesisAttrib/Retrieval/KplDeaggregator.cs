using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Retrieval;

/// <summary>What <see cref="KplDeaggregator.Deaggregate"/> made of one Kinesis record.</summary>
internal enum DeaggregationOutcome
{
    /// <summary>Not an aggregate (no magic, or too short): one ordinary record.</summary>
    Ordinary,

    /// <summary>A KPL aggregate, split into its user records (possibly none: an empty aggregate).</summary>
    Aggregate,

    /// <summary>A KPL aggregate holding a user record outside the shard's hash key range: all of it was dropped.</summary>
    OutsideShard,

    /// <summary>It starts with the KPL magic but its MD5 or protobuf is wrong: passed through as one ordinary record.</summary>
    Invalid,
}

/// <summary>
/// Splits KPL aggregated records into their user records. Data = magic <c>F3 89 9A C2</c> + protobuf
/// <c>AggregatedRecord</c> + MD5 of the protobuf bytes. User records share the Kinesis record's sequence number and
/// are numbered by sub-sequence 0..n−1; their data are slices of the record's own buffer (no copy); partition and
/// explicit hash keys come from the aggregate's tables (one string per table entry, shared by the user records).
/// </summary>
/// <remarks>
/// As the Java KCL: a record whose magic or MD5 does not match, or whose protobuf does not parse, is delivered as an
/// ordinary record; an aggregate that holds a user record whose effective hash key (explicit hash key, else MD5 of
/// the partition key as a 128-bit big-endian number) is outside the shard's range is dropped whole. Unlike the KCL,
/// both are logged as warnings and counted, and an aggregate whose indexes point outside its tables is passed
/// through whole (the KCL keeps the user records before the bad one and drops the rest).
/// </remarks>
internal sealed class KplDeaggregator
{
    /// <summary>The first four bytes of every KPL aggregate.</summary>
    public static ReadOnlySpan<byte> Magic => [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>The length of the MD5 that ends an aggregate.</summary>
    public const int DigestLength = 16;

    private const int AggregatedRecordPartitionKeyTable = 1;
    private const int AggregatedRecordExplicitHashKeyTable = 2;
    private const int AggregatedRecordRecords = 3;
    private const int RecordPartitionKeyIndex = 1;
    private const int RecordExplicitHashKeyIndex = 2;
    private const int RecordData = 3;
    private const int RecordTags = 4;
    private const int TagKey = 1;
    private const int TagValue = 2;

    private readonly HashKeyRange? _range;
    private readonly ILogger _logger;
    private readonly string _streamName;
    private readonly string _shardId;

    /// <summary>Creates a deaggregator for one shard.</summary>
    /// <param name="range">The shard's hash key range; null keeps every user record.</param>
    /// <param name="logger">Where invalid and dropped aggregates are reported.</param>
    /// <param name="streamName">The stream, for log messages.</param>
    /// <param name="shardId">The shard, for log messages.</param>
    public KplDeaggregator(HashKeyRange? range = null, ILogger? logger = null, string streamName = "", string shardId = "")
    {
        _range = range;
        _logger = logger ?? NullLogger.Instance;
        _streamName = streamName;
        _shardId = shardId;
    }

    /// <summary>User records dropped because their aggregate held a hash key outside the shard's range.</summary>
    public long UserRecordsDropped { get; private set; }

    /// <summary>Records that started with the KPL magic but were passed through (bad MD5 or protobuf).</summary>
    public long InvalidAggregates { get; private set; }

    /// <summary>
    /// Appends the user records of <paramref name="record"/> to <paramref name="output"/>, leaving out those whose
    /// sub-sequence number is at most <paramref name="skipThroughSubSequence"/> (−1 skips nothing; 0 skips an
    /// ordinary record): how a read resumed at a checkpoint inside an aggregate continues with the next user record.
    /// </summary>
    public DeaggregationOutcome Deaggregate(KinesisRecord record, List<KinesisClientRecord> output, long skipThroughSubSequence = -1)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);
        var span = record.Data.Span;

        // As the KCL: the protobuf part must not be empty, so magic + digest alone is an ordinary record.
        if (span.Length <= Magic.Length + DigestLength || !span.StartsWith(Magic))
        {
            AddOrdinary(record, output, skipThroughSubSequence);
            return DeaggregationOutcome.Ordinary;
        }

        var body = span[Magic.Length..^DigestLength];
        Span<byte> digest = stackalloc byte[DigestLength];
#pragma warning disable CA5351 // MD5 is the KPL format's checksum, not a security measure.
        MD5.HashData(body, digest);
#pragma warning restore CA5351
        if (!digest.SequenceEqual(span[^DigestLength..]))
        {
            InvalidAggregates++;
            RetrievalLog.KplChecksumMismatch(_logger, _streamName, _shardId, record.SequenceNumber);
            AddOrdinary(record, output, skipThroughSubSequence);
            return DeaggregationOutcome.Invalid;
        }

        var result = Split(record, body, output, skipThroughSubSequence, out var userRecords, out var problem);
        switch (result)
        {
            case DeaggregationOutcome.Invalid:
                InvalidAggregates++;
                RetrievalLog.KplMalformed(_logger, _streamName, _shardId, record.SequenceNumber, problem!);
                AddOrdinary(record, output, skipThroughSubSequence);
                break;
            case DeaggregationOutcome.OutsideShard:
                UserRecordsDropped += userRecords;
                RetrievalLog.KplOutsideShard(_logger, userRecords, _streamName, _shardId, record.SequenceNumber, problem!, _range!.Value.ToString());
                break;
        }

        return result;
    }

    private static void AddOrdinary(KinesisRecord record, List<KinesisClientRecord> output, long skipThroughSubSequence)
    {
        if (skipThroughSubSequence < 0)
        {
            output.Add(new KinesisClientRecord(record.SequenceNumber, 0, record.PartitionKey, record.Data, record.ApproximateArrivalTimestamp));
        }
    }

    private DeaggregationOutcome Split(KinesisRecord record, ReadOnlySpan<byte> body, List<KinesisClientRecord> output, long skipThroughSubSequence, out int userRecords, out string? problem)
    {
        userRecords = 0;

        // First pass: check the top-level structure and size the tables (fields may come in any order).
        int partitionKeys = 0, explicitHashKeys = 0;
        var reader = new ProtobufReader(body);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                problem = $"bad field tag at byte {reader.Position}";
                return DeaggregationOutcome.Invalid;
            }

            var known = wireType == WireType.LengthDelimited && field is >= AggregatedRecordPartitionKeyTable and <= AggregatedRecordRecords;
            if (!(known ? reader.TryReadLengthDelimited(out _, out _) : reader.TrySkip(field, wireType)))
            {
                problem = $"field {field} truncated or malformed";
                return DeaggregationOutcome.Invalid;
            }

            if (known)
            {
                _ = field switch
                {
                    AggregatedRecordPartitionKeyTable => partitionKeys++,
                    AggregatedRecordExplicitHashKeyTable => explicitHashKeys++,
                    _ => userRecords++,
                };
            }
        }

        if (userRecords == 0)
        {
            problem = null;
            return DeaggregationOutcome.Aggregate;
        }

        var keys = ArrayPool<string>.Shared.Rent(partitionKeys);
        var keyBytes = ArrayPool<Range>.Shared.Rent(partitionKeys);
        var hashKeys = ArrayPool<string>.Shared.Rent(explicitHashKeys);
        var hashKeyValues = ArrayPool<UInt128>.Shared.Rent(explicitHashKeys);
        var slots = ArrayPool<Slot>.Shared.Rent(userRecords);
        try
        {
            problem = ReadTablesAndRecords(body, partitionKeys, explicitHashKeys, keys, keyBytes, hashKeys, hashKeyValues, slots);
            if (problem is not null)
            {
                return DeaggregationOutcome.Invalid;
            }

            if (_range is { } range && FindOutsideShard(range, body, slots.AsSpan(0, userRecords), keyBytes, hashKeyValues, partitionKeys) is { } outside)
            {
                var slot = slots[outside];
                problem = slot.ExplicitHashKey >= 0 ? $"explicit hash key {hashKeys[slot.ExplicitHashKey]}" : $"partition key '{keys[slot.PartitionKey]}'";
                return DeaggregationOutcome.OutsideShard;
            }

            // Offsets in the slots are relative to the protobuf body, which starts after the magic.
            var data = record.Data;
            for (var i = (int)Math.Min(Math.Max(skipThroughSubSequence + 1, 0), userRecords); i < userRecords; i++)
            {
                var slot = slots[i];
                output.Add(new KinesisClientRecord(
                    record.SequenceNumber,
                    i,
                    keys[slot.PartitionKey],
                    data.Slice(Magic.Length + slot.DataOffset, slot.DataLength),
                    record.ApproximateArrivalTimestamp,
                    slot.ExplicitHashKey >= 0 ? hashKeys[slot.ExplicitHashKey] : null,
                    aggregated: true));
            }

            return DeaggregationOutcome.Aggregate;
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
            ArrayPool<Range>.Shared.Return(keyBytes);
            ArrayPool<string>.Shared.Return(hashKeys, clearArray: true);
            ArrayPool<UInt128>.Shared.Return(hashKeyValues);
            ArrayPool<Slot>.Shared.Return(slots);
        }
    }

    // Second pass: decode the tables and locate every user record; null when all is well, else what is wrong.
    private static string? ReadTablesAndRecords(ReadOnlySpan<byte> body, int partitionKeys, int explicitHashKeys, string[] keys, Range[] keyBytes, string[] hashKeys, UInt128[] hashKeyValues, Slot[] slots)
    {
        int k = 0, h = 0, r = 0;
        var reader = new ProtobufReader(body);
        while (!reader.AtEnd)
        {
            // The first pass validated the structure: these reads cannot fail.
            reader.TryReadTag(out var field, out var wireType);
            if (wireType != WireType.LengthDelimited || field is < AggregatedRecordPartitionKeyTable or > AggregatedRecordRecords)
            {
                reader.TrySkip(field, wireType);
                continue;
            }

            reader.TryReadLengthDelimited(out var offset, out var length);
            var value = body.Slice(offset, length);
            switch (field)
            {
                case AggregatedRecordPartitionKeyTable:
                    keyBytes[k] = new Range(offset, offset + length);
                    keys[k++] = Encoding.UTF8.GetString(value);
                    break;
                case AggregatedRecordExplicitHashKeyTable:
                    var text = Encoding.UTF8.GetString(value);
                    if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out hashKeyValues[h]))
                    {
                        return $"explicit hash key '{text}' is not a decimal number below 2^128";
                    }

                    hashKeys[h++] = text;
                    break;
                default:
                    if (!TryReadRecord(value, partitionKeys, explicitHashKeys, out var slot, out var problem))
                    {
                        return $"user record {r}: {problem}";
                    }

                    slots[r++] = slot with { DataOffset = offset + slot.DataOffset };
                    break;
            }
        }

        return null;
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> message, int partitionKeys, int explicitHashKeys, out Slot slot, out string? problem)
    {
        slot = new Slot(-1, -1, 0, 0);
        ulong keyIndex = 0, hashKeyIndex = 0;
        bool hasKey = false, hasHashKey = false, hasData = false;
        var reader = new ProtobufReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                problem = "bad field tag";
                return false;
            }

            bool ok;
            switch (field, wireType)
            {
                case (RecordPartitionKeyIndex, WireType.Varint):
                    ok = hasKey = reader.TryReadVarint(out keyIndex);
                    break;
                case (RecordExplicitHashKeyIndex, WireType.Varint):
                    ok = hasHashKey = reader.TryReadVarint(out hashKeyIndex);
                    break;
                case (RecordData, WireType.LengthDelimited):
                    ok = hasData = reader.TryReadLengthDelimited(out var offset, out var length);
                    slot = slot with { DataOffset = offset, DataLength = length };
                    break;
                case (RecordTags, WireType.LengthDelimited):
                    ok = reader.TryReadLengthDelimited(out var tagOffset, out var tagLength) && IsValidTag(message.Slice(tagOffset, tagLength));
                    break;
                default:
                    // Unknown fields, and known numbers with another wire type, are skipped as protobuf does.
                    ok = reader.TrySkip(field, wireType);
                    break;
            }

            if (!ok)
            {
                problem = $"field {field} truncated or malformed";
                return false;
            }
        }

        if (!hasKey || !hasData)
        {
            problem = hasKey ? "no data (a required field)" : "no partition key index (a required field)";
            return false;
        }

        if (keyIndex >= (ulong)partitionKeys)
        {
            problem = $"partition key index {keyIndex} is outside the table of {partitionKeys}";
            return false;
        }

        if (hasHashKey && hashKeyIndex >= (ulong)explicitHashKeys)
        {
            problem = $"explicit hash key index {hashKeyIndex} is outside the table of {explicitHashKeys}";
            return false;
        }

        slot = slot with { PartitionKey = (int)keyIndex, ExplicitHashKey = hasHashKey ? (int)hashKeyIndex : -1 };
        problem = null;
        return true;
    }

    // A Tag needs its key (required); its value is optional. Tags are checked, as a protobuf parser would, not kept.
    private static bool IsValidTag(ReadOnlySpan<byte> message)
    {
        var hasKey = false;
        var reader = new ProtobufReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return false;
            }

            var known = wireType == WireType.LengthDelimited && field is TagKey or TagValue;
            if (!(known ? reader.TryReadLengthDelimited(out _, out _) : reader.TrySkip(field, wireType)))
            {
                return false;
            }

            hasKey |= known && field == TagKey;
        }

        return hasKey;
    }

    // The index of the first user record whose effective hash key is outside the range, or null.
    private static int? FindOutsideShard(HashKeyRange range, ReadOnlySpan<byte> body, ReadOnlySpan<Slot> slots, Range[] keyBytes, UInt128[] hashKeyValues, int partitionKeys)
    {
        // Each partition key is hashed once per aggregate, whatever the number of user records using it.
        const byte Unknown = 0, Inside = 1, Outside = 2;
        var pooled = partitionKeys > 256 ? ArrayPool<byte>.Shared.Rent(partitionKeys) : null;
        Span<byte> verdicts = pooled is null ? stackalloc byte[256] : pooled;
        verdicts[..partitionKeys].Clear();
        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = slots[i];
                bool inside;
                if (slot.ExplicitHashKey >= 0)
                {
                    inside = range.Contains(hashKeyValues[slot.ExplicitHashKey]);
                }
                else
                {
                    if (verdicts[slot.PartitionKey] == Unknown)
                    {
                        verdicts[slot.PartitionKey] = range.Contains(PartitionKeyHash.Of(body[keyBytes[slot.PartitionKey]])) ? Inside : Outside;
                    }

                    inside = verdicts[slot.PartitionKey] == Inside;
                }

                if (!inside)
                {
                    return i;
                }
            }

            return null;
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }
        }
    }

    /// <summary>Where one user record is: table indexes (−1: no explicit hash key) and its data in the body.</summary>
    private readonly record struct Slot(int PartitionKey, int ExplicitHashKey, int DataOffset, int DataLength);
}
