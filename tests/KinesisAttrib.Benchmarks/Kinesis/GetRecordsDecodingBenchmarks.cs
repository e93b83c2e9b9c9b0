using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Benchmarks.Kinesis;

/// <summary>
/// Decoding one GetRecords response body of 10,000 records with ~200-byte payloads (about 3 MB of JSON) into
/// <see cref="KinesisRecord"/>s, the way each path would hand them to a consumer. Divide the mean by 10,000 for the
/// time per record and the allocation by 10,000 for bytes per record (payload bytes are 200 of them).
/// </summary>
[MemoryDiagnoser]
public class GetRecordsDecodingBenchmarks
{
    public const int RecordCount = 10_000;
    public const int PayloadBytes = 200;

    private static readonly JsonSerializerOptions ReflectionOptions = new();

    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var builder = new StringBuilder(RecordCount * 400);
        builder.Append("{\"Records\":[").AppendJoin(',', RecordsJson()).Append(']');
        builder.Append(",\"NextShardIterator\":\"AAAAAAAAAAFexample+iterator/that+is+about/this+long==\",\"MillisBehindLatest\":0}");
        _body = Encoding.UTF8.GetBytes(builder.ToString());
        if (Ours().GetAwaiter().GetResult().Records.Count != RecordCount || Reflection().GetAwaiter().GetResult().Records.Count != RecordCount
            || SourceGeneratedDtos().GetAwaiter().GetResult().Records.Count != RecordCount)
        {
            throw new InvalidOperationException("A decoder lost records.");
        }
    }

    /// <summary>
    /// The <see cref="RecordCount"/> records as JSON objects of a GetRecords response (random 200-byte payloads from a
    /// fixed seed), also used by <see cref="SubscribeToShardDecodingBenchmarks"/>.
    /// </summary>
    public static IReadOnlyList<string> RecordsJson()
    {
        var random = new Random(20131202);
        var records = new List<string>(RecordCount);
        var data = new byte[PayloadBytes];
        for (var i = 0; i < RecordCount; i++)
        {
            random.NextBytes(data);
            records.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"SequenceNumber\":\"4959033827149025660855969253836157109592157598913658{i:D4}\",\"ApproximateArrivalTimestamp\":{1_700_000_000 + (i / 1000.0):0.000},\"Data\":\"{Convert.ToBase64String(data)}\",\"PartitionKey\":\"customer-{i % 997}\",\"EncryptionType\":\"NONE\"}}"));
        }

        return records;
    }

    /// <summary>The baseline: reflection System.Text.Json into string-typed DTOs, then Convert.FromBase64String.</summary>
    [Benchmark(Baseline = true)]
    public async Task<GetRecordsResponse> Reflection()
    {
        using var stream = new MemoryStream(_body, writable: false);
        var wire = (await JsonSerializer.DeserializeAsync<ReflectionResponse>(stream, ReflectionOptions))!;
        var records = new List<KinesisRecord>(wire.Records!.Count);
        foreach (var r in wire.Records)
        {
            records.Add(new KinesisRecord
            {
                SequenceNumber = r.SequenceNumber!,
                ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(r.ApproximateArrivalTimestamp!.Value * 1000)),
                Data = Convert.FromBase64String(r.Data!),
                PartitionKey = r.PartitionKey!,
                EncryptionType = r.EncryptionType,
            });
        }

        return new GetRecordsResponse { Records = records, NextShardIterator = wire.NextShardIterator, MillisBehindLatest = wire.MillisBehindLatest };
    }

    /// <summary>Source-generated JSON into wire DTOs with a <c>byte[]</c> Data (base64 decoded by System.Text.Json), then mapped.</summary>
    [Benchmark]
    public async Task<GetRecordsResponse> SourceGeneratedDtos()
    {
        using var stream = new MemoryStream(_body, writable: false);
        var wire = (await JsonSerializer.DeserializeAsync(stream, BenchmarkJsonContext.Default.DtoResponse))!;
        var records = new List<KinesisRecord>(wire.Records!.Count);
        foreach (var r in wire.Records)
        {
            records.Add(new KinesisRecord
            {
                SequenceNumber = r.SequenceNumber!,
                ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(r.ApproximateArrivalTimestamp!.Value * 1000)),
                Data = r.Data!,
                PartitionKey = r.PartitionKey!,
                EncryptionType = r.EncryptionType,
            });
        }

        return new GetRecordsResponse { Records = records, NextShardIterator = wire.NextShardIterator, MillisBehindLatest = wire.MillisBehindLatest };
    }

    /// <summary>What <see cref="KinesisHttpClient"/> does: source-generated JSON with records read straight into the model.</summary>
    [Benchmark]
    public async Task<GetRecordsResponse> Ours()
    {
        using var stream = new MemoryStream(_body, writable: false);
        var wire = await KinesisRequestPipeline.ReadResponseAsync(stream, KinesisJsonContext.Default.GetRecordsWireResponse, CancellationToken.None);
        return KinesisWireMapper.FromWire(wire!);
    }
}

public sealed class ReflectionResponse
{
    public List<ReflectionRecord>? Records { get; set; }

    public string? NextShardIterator { get; set; }

    public long? MillisBehindLatest { get; set; }
}

public sealed class ReflectionRecord
{
    public string? SequenceNumber { get; set; }

    public double? ApproximateArrivalTimestamp { get; set; }

    public string? Data { get; set; }

    public string? PartitionKey { get; set; }

    public string? EncryptionType { get; set; }
}

public sealed class DtoResponse
{
    public List<DtoRecord>? Records { get; set; }

    public string? NextShardIterator { get; set; }

    public long? MillisBehindLatest { get; set; }
}

public sealed class DtoRecord
{
    public string? SequenceNumber { get; set; }

    public double? ApproximateArrivalTimestamp { get; set; }

    public byte[]? Data { get; set; }

    public string? PartitionKey { get; set; }

    public string? EncryptionType { get; set; }
}

[JsonSerializable(typeof(DtoResponse))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
