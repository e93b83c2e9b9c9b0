using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using BenchmarkDotNet.Attributes;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Benchmarks.Kinesis;

/// <summary>
/// The same 10,000 records of 200 bytes as <see cref="GetRecordsDecodingBenchmarks"/>, decoded two ways: as one
/// GetRecords JSON body by the client's GetRecords path (the baseline), and as 10 <c>SubscribeToShardEvent</c> frames of
/// 1,000 records (<c>application/vnd.amazon.eventstream</c>: prelude, headers, JSON payload, both CRC-32s verified) read
/// from a MemoryStream by <see cref="EventStreamReader"/> and decoded by <see cref="SubscribeToShardEvent.Decode"/>, as a
/// subscription does. Divide by 10,000 for the time and the allocation per record.
/// </summary>
[MemoryDiagnoser]
public class SubscribeToShardDecodingBenchmarks
{
    public const int Frames = 10;

    private byte[] _getRecordsBody = [];
    private byte[] _frames = [];
    private MemoryStream _warmStream = new();
    private EventStreamReader _warmReader = new(Stream.Null);

    [GlobalSetup]
    public void Setup()
    {
        var records = GetRecordsDecodingBenchmarks.RecordsJson();
        _getRecordsBody = Encoding.UTF8.GetBytes(
            $"{{\"Records\":[{string.Join(',', records)}],\"NextShardIterator\":\"AAAAAAAAAAFexample+iterator/that+is+about/this+long==\",\"MillisBehindLatest\":0}}");
        var perFrame = records.Count / Frames;
        using var frames = new MemoryStream();
        for (var f = 0; f < Frames; f++)
        {
            var chunk = records.Skip(f * perFrame).Take(perFrame).ToList();
            var continuation = chunk[^1][(chunk[^1].IndexOf("\"SequenceNumber\":\"", StringComparison.Ordinal) + 18)..];
            continuation = continuation[..continuation.IndexOf('"', StringComparison.Ordinal)];
            var payload = $"{{\"Records\":[{string.Join(',', chunk)}],\"ContinuationSequenceNumber\":\"{continuation}\",\"MillisBehindLatest\":0}}";
            frames.Write(EventFrame(Encoding.UTF8.GetBytes(payload)));
        }

        _frames = frames.ToArray();
        _warmStream = new MemoryStream(_frames, writable: false);
        _warmReader = new EventStreamReader(_warmStream);
        if (GetRecordsJson().GetAwaiter().GetResult() != GetRecordsDecodingBenchmarks.RecordCount
            || EventStreamNewReader().GetAwaiter().GetResult() != GetRecordsDecodingBenchmarks.RecordCount
            || EventStreamWarmReader().GetAwaiter().GetResult() != GetRecordsDecodingBenchmarks.RecordCount)
        {
            throw new InvalidOperationException("A decoder lost records.");
        }
    }

    /// <summary>The baseline: one GetRecords body, as <see cref="KinesisHttpClient"/> decodes it.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> GetRecordsJson()
    {
        using var stream = new MemoryStream(_getRecordsBody, writable: false);
        var wire = await KinesisRequestPipeline.ReadResponseAsync(stream, KinesisJsonContext.Default.GetRecordsWireResponse, CancellationToken.None);
        return KinesisWireMapper.FromWire(wire!).Records.Count;
    }

    /// <summary>10 frames through a new reader: its buffer starts at 64 KiB and grows to the largest frame (a subscription's start).</summary>
    [Benchmark]
    public Task<int> EventStreamNewReader() => ReadAllAsync(new EventStreamReader(new MemoryStream(_frames, writable: false)));

    /// <summary>10 frames through a reader whose buffer already fits them (a subscription in its stride).</summary>
    [Benchmark]
    public Task<int> EventStreamWarmReader()
    {
        _warmStream.Position = 0;
        return ReadAllAsync(_warmReader);
    }

    private static async Task<int> ReadAllAsync(EventStreamReader reader)
    {
        var count = 0;
        while (await reader.ReadAsync(CancellationToken.None) is { } message)
        {
            count += SubscribeToShardEvent.Decode(message, "bench")!.Records.Count;
        }

        return count;
    }

    /// <summary>A <c>SubscribeToShardEvent</c> frame as Kinesis sends it, encoded from the format's definition.</summary>
    private static byte[] EventFrame(byte[] payload)
    {
        using var headers = new MemoryStream();
        foreach (var (name, value) in new[] { (":message-type", "event"), (":event-type", "SubscribeToShardEvent"), (":content-type", "application/json") })
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headers.WriteByte((byte)nameBytes.Length);
            headers.Write(nameBytes);
            headers.WriteByte(7); // a string: 2-byte big-endian length, then UTF-8
            headers.WriteByte((byte)(valueBytes.Length >> 8));
            headers.WriteByte((byte)valueBytes.Length);
            headers.Write(valueBytes);
        }

        var h = headers.ToArray();
        var total = 12 + h.Length + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(0), total);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), h.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        h.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + h.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
        return frame;
    }
}
