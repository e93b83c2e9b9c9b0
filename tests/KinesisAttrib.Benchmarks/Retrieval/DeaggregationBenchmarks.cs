using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Benchmarks.Retrieval;

/// <summary>
/// Turning one GetRecords response into user records: 100 KPL aggregates of 100 user records of 200 bytes (10,000
/// user records, each with its own partition key), against the same 10,000 payloads as ordinary records through the
/// same path (the baseline), against the MD5 alone (the floor of a deaggregator that checks it), and against a copying deaggregator written the way the Java KCL's works (the protobuf
/// body copied for the MD5, each user record's data and partition key copied out). Every row is normalised per user
/// record (<c>OperationsPerInvoke</c>): Mean is the time per user record and Allocated the bytes per user record.
/// </summary>
[MemoryDiagnoser]
public class DeaggregationBenchmarks
{
    public const int Aggregates = 100;
    public const int UserRecordsPerAggregate = 100;
    public const int PayloadBytes = 200;
    private const int UserRecords = Aggregates * UserRecordsPerAggregate;

    private KinesisRecord[] _aggregates = [];
    private KinesisRecord[] _ordinary = [];
    private KplDeaggregator _unfiltered = new();
    private KplDeaggregator _filtered = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20131202);
        _aggregates = new KinesisRecord[Aggregates];
        _ordinary = new KinesisRecord[UserRecords];
        for (var a = 0; a < Aggregates; a++)
        {
            var builder = new KplAggregateBuilder();
            for (var u = 0; u < UserRecordsPerAggregate; u++)
            {
                var payload = new byte[PayloadBytes];
                random.NextBytes(payload);
                var key = $"customer-{(a * UserRecordsPerAggregate) + u}";
                builder.Add(key, payload);
                _ordinary[(a * UserRecordsPerAggregate) + u] = Record($"{a:D4}{u:D4}", key, payload);
            }

            _aggregates[a] = Record($"{a:D4}0000", "aggregate", builder.Build());
        }

        _unfiltered = new KplDeaggregator();

        // The whole hash key space: every user record's partition key is hashed and checked, none is dropped.
        _filtered = new KplDeaggregator(new HashKeyRange(UInt128.Zero, UInt128.MaxValue));
        if (Deaggregate().Count != UserRecords || DeaggregateWithHashKeyRange().Count != UserRecords
            || OrdinaryRecords().Count != UserRecords || CopyingKclStyle().Count != UserRecords)
        {
            throw new InvalidOperationException("A path lost user records.");
        }
    }

    private static KinesisRecord Record(string suffix, string partitionKey, byte[] data) => new()
    {
        SequenceNumber = "4959033827149025660855969253836157109592157598" + suffix,
        PartitionKey = partitionKey,
        Data = data,
        ApproximateArrivalTimestamp = DateTimeOffset.UnixEpoch,
    };

    /// <summary>The same payloads as ordinary records: one magic check and one record object each.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = UserRecords)]
    public List<KinesisClientRecord> OrdinaryRecords() => Run(_unfiltered, _ordinary);

    /// <summary>What the fetcher does for a shard whose hash key range is unknown.</summary>
    [Benchmark(OperationsPerInvoke = UserRecords)]
    public List<KinesisClientRecord> Deaggregate() => Run(_unfiltered, _aggregates);

    /// <summary>What the fetcher does with the lease's hash key range: MD5 of every distinct partition key too.</summary>
    [Benchmark(OperationsPerInvoke = UserRecords)]
    public List<KinesisClientRecord> DeaggregateWithHashKeyRange() => Run(_filtered, _aggregates);

    /// <summary>The floor of any deaggregator that checks the format: the MD5 of every aggregate's protobuf, nothing else.</summary>
    [Benchmark(OperationsPerInvoke = UserRecords)]
    public int Md5Only()
    {
        Span<byte> digest = stackalloc byte[KplDeaggregator.DigestLength];
        var matches = 0;
        foreach (var record in _aggregates)
        {
            var span = record.Data.Span;
#pragma warning disable CA5351 // The KPL format's checksum.
            MD5.HashData(span[KplDeaggregator.Magic.Length..^KplDeaggregator.DigestLength], digest);
#pragma warning restore CA5351
            matches += digest.SequenceEqual(span[^KplDeaggregator.DigestLength..]) ? 1 : 0;
        }

        return matches;
    }

    /// <summary>A deaggregator that copies, as the Java KCL's does.</summary>
    [Benchmark(OperationsPerInvoke = UserRecords)]
    public List<KinesisClientRecord> CopyingKclStyle()
    {
        var output = new List<KinesisClientRecord>(_aggregates.Length);
        foreach (var record in _aggregates)
        {
            CopyingDeaggregate(record, output);
        }

        return output;
    }

    private static List<KinesisClientRecord> Run(KplDeaggregator deaggregator, KinesisRecord[] records)
    {
        // As the fetcher: a list sized for the Kinesis records, grown as user records come.
        var output = new List<KinesisClientRecord>(records.Length);
        foreach (var record in records)
        {
            deaggregator.Deaggregate(record, output);
        }

        return output;
    }

    // The protobuf body copied out for the MD5 (a new digest array), the tables decoded into lists, every user
    // record's data copied into its own array and its partition key looked up per record.
    private static void CopyingDeaggregate(KinesisRecord record, List<KinesisClientRecord> output)
    {
        var body = record.Data.Span[KplDeaggregator.Magic.Length..^KplDeaggregator.DigestLength].ToArray();
#pragma warning disable CA5351 // The KPL format's checksum.
        var digest = MD5.HashData(body);
#pragma warning restore CA5351
        if (!digest.AsSpan().SequenceEqual(record.Data.Span[^KplDeaggregator.DigestLength..]))
        {
            throw new InvalidOperationException("bad digest");
        }

        var keys = new List<string>();
        var records = new List<(int Offset, int Length)>();
        var reader = new ProtobufReader(body);
        while (!reader.AtEnd)
        {
            reader.TryReadTag(out var field, out _);
            reader.TryReadLengthDelimited(out var offset, out var length);
            if (field == 1)
            {
                keys.Add(Encoding.UTF8.GetString(body, offset, length));
            }
            else if (field == 3)
            {
                records.Add((offset, length));
            }
        }

        for (var i = 0; i < records.Count; i++)
        {
            var message = new ProtobufReader(body.AsSpan(records[i].Offset, records[i].Length));
            ulong key = 0;
            byte[] data = [];
            while (!message.AtEnd)
            {
                message.TryReadTag(out var field, out var wireType);
                if (field == 1)
                {
                    message.TryReadVarint(out key);
                }
                else if (field == 3)
                {
                    message.TryReadLengthDelimited(out var offset, out var length);
                    data = body.AsSpan(records[i].Offset + offset, length).ToArray();
                }
                else
                {
                    message.TrySkip(field, wireType);
                }
            }

            output.Add(new KinesisClientRecord(record.SequenceNumber, i, keys[(int)key], data, record.ApproximateArrivalTimestamp, aggregated: true));
        }
    }
}
