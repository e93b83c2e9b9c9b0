using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Retrieval;

public sealed class KplDeaggregatorTests
{
    private const string Sequence = "49590338271490256608559692538361571095921575989136588898";
    private static readonly DateTimeOffset Arrival = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static KinesisRecord Record(byte[] data, string partitionKey = "aggregate-key")
        => new() { SequenceNumber = Sequence, PartitionKey = partitionKey, Data = data, ApproximateArrivalTimestamp = Arrival };

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(KinesisClientRecord r) => Encoding.UTF8.GetString(r.Data.Span);

    private static (DeaggregationOutcome Outcome, List<KinesisClientRecord> Records) Run(byte[] data, KplDeaggregator? deaggregator = null, long skip = -1)
    {
        var output = new List<KinesisClientRecord>();
        var outcome = (deaggregator ?? new KplDeaggregator()).Deaggregate(Record(data), output, skip);
        return (outcome, output);
    }

#pragma warning disable CA5351 // Kinesis's partition key hash.
    private static UInt128 HashOf(string partitionKey) => BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(Utf8(partitionKey)));
#pragma warning restore CA5351

    private static void AssertPassedThrough(byte[] data, DeaggregationOutcome expected = DeaggregationOutcome.Invalid)
    {
        var deaggregator = new KplDeaggregator();
        var (outcome, records) = Run(data, deaggregator);
        Assert.Equal(expected, outcome);
        var single = Assert.Single(records);
        Assert.False(single.Aggregated);
        Assert.Equal((Sequence, 0L, "aggregate-key"), (single.SequenceNumber, single.SubSequenceNumber, single.PartitionKey));
        Assert.Equal(data, single.Data.ToArray());
        Assert.Equal(expected == DeaggregationOutcome.Invalid ? 1 : 0, deaggregator.InvalidAggregates);
    }

    [Fact]
    public void Aggregate_SplitsIntoUserRecords_SharingTheSequenceNumber_NumberedBySubSequence_WithKeysFromTheTables()
    {
        var data = new KplAggregateBuilder()
            .Add("customer-1", Utf8("a"))
            .Add("customer-2", Utf8("bb"))
            .Add("customer-1", Utf8("ccc"), explicitHashKey: "12345")
            .Build();

        var (outcome, records) = Run(data);

        Assert.Equal(DeaggregationOutcome.Aggregate, outcome);
        Assert.Equal(["a", "bb", "ccc"], records.Select(Text));
        Assert.Equal([0L, 1, 2], records.Select(r => r.SubSequenceNumber));
        Assert.All(records, r => Assert.Equal((Sequence, true, (DateTimeOffset?)Arrival), (r.SequenceNumber, r.Aggregated, r.ApproximateArrivalTimestamp)));
        Assert.Equal(["customer-1", "customer-2", "customer-1"], records.Select(r => r.PartitionKey));
        Assert.Equal([null, null, "12345"], records.Select(r => r.ExplicitHashKey));
        Assert.Equal(new ExtendedSequenceNumber(Sequence, 2), records[2].Position);

        // One string per table entry, shared by the user records that use it.
        Assert.Same(records[0].PartitionKey, records[2].PartitionKey);
    }

    [Fact]
    public void UserRecordData_AreSlicesOfTheOriginalBuffer_NotCopies()
    {
        var data = new KplAggregateBuilder().Add("k", Utf8("first")).Add("k", Utf8("second")).Build();

        var (_, records) = Run(data);

        foreach (var record in records)
        {
            Assert.True(MemoryMarshal.TryGetArray(record.Data, out var segment));
            Assert.Same(data, segment.Array);
            Assert.Equal(record.Data.ToArray(), data.AsSpan(segment.Offset, segment.Count).ToArray());
        }

        Assert.True(MemoryMarshal.TryGetArray(records[1].Data, out var second));
        Assert.Equal("second", Encoding.UTF8.GetString(data, second.Offset, second.Count));
    }

    [Fact]
    public void Deaggregating_AllocatesTheRecordObjects_ButNeitherPayloadsNorTheChecksum()
    {
        var builder = new KplAggregateBuilder();
        for (var i = 0; i < 100; i++)
        {
            builder.Add("one-key", new byte[1000]);
        }

        var record = Record(builder.Build());
        var deaggregator = new KplDeaggregator(new HashKeyRange(UInt128.Zero, UInt128.MaxValue));
        deaggregator.Deaggregate(record, new List<KinesisClientRecord>(100)); // warm up: JIT, array pool
        var output = new List<KinesisClientRecord>(100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        deaggregator.Deaggregate(record, output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 100 KB of payloads: a copy of them (or of the protobuf for the MD5) would show; 100 record objects and one
        // partition key string do not come near.
        Assert.Equal(100, output.Count);
        Assert.InRange(allocated, 1, 100 * 150);
    }

    [Fact]
    public void WrongMd5_PassesTheRecordThroughAsAnOrdinaryRecord()
    {
        var data = new KplAggregateBuilder().Add("k", Utf8("x")).Build();
        data[^1] ^= 0xFF;

        AssertPassedThrough(data);
    }

    [Fact]
    public void WrongMagic_IsAnOrdinaryRecord()
    {
        var data = new KplAggregateBuilder().Add("k", Utf8("x")).Build();
        data[0] = 0xF4;

        AssertPassedThrough(data, DeaggregationOutcome.Ordinary);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    public void RecordsTooShortForAnAggregate_AreOrdinary_IncludingMagicAndTheDigestOfNothing(int length)
    {
        // Magic + MD5 of an empty protobuf is 20 bytes: the KCL treats it as an ordinary record, and so does this.
        var data = KplAggregateBuilder.Wrap([]);
        Assert.Equal(20, data.Length);

        AssertPassedThrough(data[..length], DeaggregationOutcome.Ordinary);
    }

    [Fact]
    public void EmptyAggregate_YieldsNoUserRecord()
    {
        var data = new KplAggregateBuilder().AddPartitionKey("unused").Build();

        var (outcome, records) = Run(data);

        Assert.Equal(DeaggregationOutcome.Aggregate, outcome);
        Assert.Empty(records);
    }

    [Fact]
    public void TruncatedProtobuf_WithAMatchingMd5_IsPassedThrough_AtEveryCut()
    {
        var protobuf = new KplAggregateBuilder().Add("customer-1", Utf8("hello")).Add("customer-2", Utf8("world"), tags: [("t", "v")]).BuildProtobuf();

        for (var cut = 1; cut < protobuf.Length; cut++)
        {
            var data = KplAggregateBuilder.Wrap(protobuf[..cut]);
            var (outcome, records) = Run(data);

            // Some cuts fall on a field boundary and leave a shorter but valid aggregate; none may yield a wrong record.
            if (outcome == DeaggregationOutcome.Aggregate)
            {
                Assert.All(records, r => Assert.Contains(Text(r), new[] { "hello", "world" }));
                continue;
            }

            Assert.Equal(DeaggregationOutcome.Invalid, outcome);
            Assert.Equal(data, Assert.Single(records).Data.ToArray());
        }

        // Cutting inside the first record's data is always malformed.
        Assert.Equal(DeaggregationOutcome.Invalid, Run(KplAggregateBuilder.Wrap(protobuf[..(protobuf.Length - 20)])).Outcome);
    }

    public static TheoryData<string> WireTypes() => ["varint", "fixed64", "length-delimited", "group", "fixed32", "known-number-wrong-type"];

    private static Action<ProtobufWriter> Unknown(string wireType) => wireType switch
    {
        "varint" => w => w.Varint(15, ulong.MaxValue),
        "fixed64" => w => w.Fixed64(16, 0xDEADBEEF_CAFEBABE),
        "length-delimited" => w => w.Bytes(17, Utf8("unknown bytes")),
        "group" => w => w.Group(18, g => g.Varint(1, 7).Bytes(2, Utf8("in group")).Group(3, n => n.Fixed32(1, 9))),
        "fixed32" => w => w.Fixed32(19, 0xFEEDFACE),

        // Field 1 as a fixed32, not the string (or varint) the schema says: protobuf skips it as unknown, and so does this.
        "known-number-wrong-type" => w => w.Fixed32(1, 5),
        _ => throw new ArgumentOutOfRangeException(nameof(wireType)),
    };

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void UnknownFields_OfEveryWireType_AreSkipped_InTheAggregate_ARecord_AndATag(string wireType)
    {
        var unknown = Unknown(wireType);
        var builder = new KplAggregateBuilder { Prefix = unknown, Suffix = unknown }
            .Add("k1", Utf8("one"), tags: [("tag", "value")], extraFields: unknown)
            .AddRaw(w => w.Varint(1, 0).Message(4, t => { t.String(1, "key"); unknown(t); }).Bytes(3, Utf8("two")));

        var (outcome, records) = Run(builder.Build());

        Assert.Equal(DeaggregationOutcome.Aggregate, outcome);
        Assert.Equal(["one", "two"], records.Select(Text));
        Assert.All(records, r => Assert.Equal("k1", r.PartitionKey));
    }

    [Fact]
    public void Tags_AreAccepted_WithOrWithoutAValue_ButATagWithoutItsKeyIsMalformed()
    {
        var tagged = new KplAggregateBuilder().Add("k", Utf8("x"), tags: [("a", "1"), ("b", null)]).Build();
        Assert.Equal("x", Text(Assert.Single(Run(tagged).Records)));

        var keyless = new KplAggregateBuilder().AddPartitionKey("k").AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Message(4, t => t.String(2, "value only"))).Build();
        AssertPassedThrough(keyless);
    }

    public static TheoryData<string> MalformedRecords() =>
    [
        "no partition key index", "no data", "partition key index outside the table", "explicit hash key index outside the table",
        "explicit hash key not a number", "explicit hash key of 2^128", "overlong varint", "varint overflowing 64 bits", "field number 0",
        "wire type 6", "end group without a start", "unclosed group", "group closed by another number", "length past the end",
    ];

    [Theory]
    [MemberData(nameof(MalformedRecords))]
    public void MalformedAggregates_ArePassedThroughWhole(string how)
    {
        var builder = new KplAggregateBuilder().Add("k", Utf8("good"));
        _ = how switch
        {
            "no partition key index" => builder.AddRaw(w => w.Bytes(3, Utf8("x"))),
            "no data" => builder.AddRaw(w => w.Varint(1, 0)),
            "partition key index outside the table" => builder.AddRaw(w => w.Varint(1, 1).Bytes(3, Utf8("x"))),
            "explicit hash key index outside the table" => builder.AddRaw(w => w.Varint(1, 0).Varint(2, 0).Bytes(3, Utf8("x"))),
            "explicit hash key not a number" => builder.Add("k", Utf8("x"), explicitHashKey: "12a"),
            "explicit hash key of 2^128" => builder.Add("k", Utf8("x"), explicitHashKey: "340282366920938463463374607431768211456"),
            "overlong varint" => builder.AddRaw(w => w.Tag(1, 0).Raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).Bytes(3, Utf8("x"))),
            "varint overflowing 64 bits" => builder.AddRaw(w => w.Tag(1, 0).Raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).Bytes(3, Utf8("x"))),
            "field number 0" => builder.AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Varint(0, 1)),
            "wire type 6" => builder.AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Tag(20, 6)),
            "end group without a start" => builder.AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Tag(20, 4)),
            "unclosed group" => builder.AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Tag(20, 3).Varint(1, 1)),
            "group closed by another number" => builder.AddRaw(w => w.Varint(1, 0).Bytes(3, Utf8("x")).Tag(20, 3).Tag(21, 4)),
            "length past the end" => builder.AddRaw(w => w.Varint(1, 0).Tag(3, 2).RawVarint(1000).Raw(1, 2, 3)),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };

        AssertPassedThrough(builder.Build());
    }

    [Fact]
    public void AVarintOfExactlyTenBytes_ForTheLargestValue_IsAccepted()
    {
        var data = new KplAggregateBuilder { Prefix = w => w.Varint(30, ulong.MaxValue) }.Add("k", Utf8("x")).Build();
        Assert.Equal(DeaggregationOutcome.Aggregate, Run(data).Outcome);
    }

    [Fact]
    public void ExplicitHashKeys_InsideTheShard_AreKept_AndOneOutside_DropsTheWholeAggregate_CountingItsUserRecords()
    {
        var range = new HashKeyRange(1000, 2000);
        var inside = new KplAggregateBuilder().Add("k", Utf8("a"), explicitHashKey: "1000").Add("k", Utf8("b"), explicitHashKey: "2000").Build();
        var deaggregator = new KplDeaggregator(range);

        var (kept, records) = Run(inside, deaggregator);
        Assert.Equal(DeaggregationOutcome.Aggregate, kept);
        Assert.Equal(["1000", "2000"], records.Select(r => r.ExplicitHashKey));

        var mixed = new KplAggregateBuilder()
            .Add("k", Utf8("a"), explicitHashKey: "1500")
            .Add("k", Utf8("b"), explicitHashKey: "2001")
            .Add("k", Utf8("c"), explicitHashKey: "1600")
            .Build();
        var (dropped, none) = Run(mixed, deaggregator);

        Assert.Equal(DeaggregationOutcome.OutsideShard, dropped);
        Assert.Empty(none);
        Assert.Equal(3, deaggregator.UserRecordsDropped);
        Assert.Equal(0, deaggregator.InvalidAggregates);
    }

    [Fact]
    public void APartitionKeyHashingOutsideTheShard_DropsTheAggregate_UnlessTheRangeIsUnknown()
    {
        var hash = HashOf("customer-outside");
        var excluding = new HashKeyRange(hash + 1, UInt128.MaxValue);
        var including = new HashKeyRange(hash, hash);
        var data = new KplAggregateBuilder().Add("customer-outside", Utf8("x")).Build();

        var deaggregator = new KplDeaggregator(excluding);
        Assert.Equal(DeaggregationOutcome.OutsideShard, Run(data, deaggregator).Outcome);
        Assert.Equal(1, deaggregator.UserRecordsDropped);

        Assert.Equal("x", Text(Assert.Single(Run(data, new KplDeaggregator(including)).Records)));
        Assert.Equal("x", Text(Assert.Single(Run(data, new KplDeaggregator(range: null)).Records)));

        // An explicit hash key overrides the partition key's hash.
        var overridden = new KplAggregateBuilder().Add("customer-outside", Utf8("y"), explicitHashKey: (hash + 5).ToString(CultureInfo.InvariantCulture)).Build();
        Assert.Equal("y", Text(Assert.Single(Run(overridden, new KplDeaggregator(excluding)).Records)));
    }

    [Fact]
    public void OrdinaryRecords_AreNeverFilteredByHashKey()
    {
        // The service put it on this shard; only KPL user records can hash elsewhere.
        var data = Utf8("plain");
        var (outcome, records) = Run(data, new KplDeaggregator(new HashKeyRange(0, 0)));
        Assert.Equal(DeaggregationOutcome.Ordinary, outcome);
        Assert.Single(records);
    }

    [Theory]
    [InlineData(-1, new long[] { 0, 1, 2, 3, 4 })]
    [InlineData(0, new long[] { 1, 2, 3, 4 })]
    [InlineData(3, new long[] { 4 })]
    [InlineData(4, new long[0])]
    [InlineData(99, new long[0])]
    public void SkipThroughSubSequence_LeavesOutTheUserRecordsAtOrBeforeIt(long skip, long[] expected)
    {
        var builder = new KplAggregateBuilder();
        for (var i = 0; i < 5; i++)
        {
            builder.Add($"k{i}", Utf8($"r{i}"));
        }

        Assert.Equal(expected, Run(builder.Build(), skip: skip).Records.Select(r => r.SubSequenceNumber));
    }

    [Fact]
    public void AnOrdinaryRecordAtTheResumePoint_IsSkipped()
    {
        Assert.Empty(Run(Utf8("plain"), skip: 0).Records);
        Assert.Single(Run(Utf8("plain"), skip: -1).Records);
    }

    [Fact]
    public void HashKeyRange_FromTheLease_NeedsBothEndsAsDecimalNumbers()
    {
        Assert.Equal(new HashKeyRange(0, UInt128.MaxValue), HashKeyRange.FromDecimal("0", "340282366920938463463374607431768211455"));
        Assert.Null(HashKeyRange.FromDecimal(null, "5"));
        Assert.Null(HashKeyRange.FromDecimal("5", null));
        Assert.Null(HashKeyRange.FromDecimal("-1", "5"));
        Assert.Null(HashKeyRange.FromDecimal("9", "5"));
        Assert.Null(HashKeyRange.FromDecimal("0", "340282366920938463463374607431768211456"));
    }
}
