using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// The event-stream framing of SubscribeToShard: frames built here byte by byte from the format's definition (prelude,
/// headers of every value type, payload, two CRC-32s) decode to their headers and payload; every kind of damage is a
/// typed, retryable error, never a skipped or half-read frame.
/// </summary>
public sealed class EventStreamReaderTests
{
    private static byte[] Frame(IEnumerable<(string Name, byte Type, byte[] Value)> headers, byte[] payload)
    {
        var headerBytes = new MemoryStream();
        foreach (var (name, type, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(type);
            headerBytes.Write(value);
        }

        var h = headerBytes.ToArray();
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

    private static (string, byte, byte[]) StringHeader(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var encoded = new byte[2 + bytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)bytes.Length);
        bytes.CopyTo(encoded, 2);
        return (name, 7, encoded);
    }

    private static byte[] Event(string payload) => Frame(
        [StringHeader(":message-type", "event"), StringHeader(":event-type", "SubscribeToShardEvent"), StringHeader(":content-type", "application/json")],
        Encoding.UTF8.GetBytes(payload));

    /// <summary>A stream that returns at most <paramref name="chunk"/> bytes per read, as a network does.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Frames_DecodeInOrder_HowEverTheBytesArrive(int chunk)
    {
        var body = Event("""{"Records":[],"ContinuationSequenceNumber":"1"}""").Concat(Event("""{"Records":[],"ContinuationSequenceNumber":"2"}""")).ToArray();
        var reader = new EventStreamReader(new Trickle(body, chunk));

        var first = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal("event", first!.Value.MessageType);
        Assert.Equal("SubscribeToShardEvent", first.Value.EventType);
        Assert.Equal("""{"Records":[],"ContinuationSequenceNumber":"1"}""", Encoding.UTF8.GetString(first.Value.Payload.Span));
        var second = await reader.ReadAsync(CancellationToken.None);
        Assert.EndsWith("\"2\"}", Encoding.UTF8.GetString(second!.Value.Payload.Span), StringComparison.Ordinal);
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Headers_OfEveryValueType_AreDecoded()
    {
        var uuid = Guid.NewGuid();
        var frame = Frame(
            [
                ("t", 0, []), ("f", 1, []), ("b", 2, [0xFF]), ("s", 3, [0x01, 0x02]), ("i", 4, [0, 0, 1, 0]),
                ("l", 5, [0, 0, 0, 0, 0, 0, 0, 42]), ("bytes", 6, [0, 3, 9, 8, 7]), StringHeader("str", "héllo"),
                ("ts", 8, [0, 0, 1, 0x8C, 0xBA, 0x7D, 0x6A, 0x00]), ("id", 9, uuid.ToByteArray(bigEndian: true)),
            ],
            []);

        var message = (await new EventStreamReader(new MemoryStream(frame)).ReadAsync(CancellationToken.None))!.Value;

        Assert.Equal(true, message.Headers["t"]);
        Assert.Equal(false, message.Headers["f"]);
        Assert.Equal((sbyte)-1, message.Headers["b"]);
        Assert.Equal((short)0x0102, message.Headers["s"]);
        Assert.Equal(256, message.Headers["i"]);
        Assert.Equal(42L, message.Headers["l"]);
        Assert.Equal(new byte[] { 9, 8, 7 }, message.Headers["bytes"]);
        Assert.Equal("héllo", message.Headers["str"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(0x018CBA7D6A00), message.Headers["ts"]);
        Assert.Equal(uuid, message.Headers["id"]);
        Assert.True(message.Payload.IsEmpty);
    }

    [Fact]
    public async Task AnExceptionFrame_ExposesItsType()
    {
        var frame = Frame([StringHeader(":message-type", "exception"), StringHeader(":exception-type", "ResourceInUseException")], Encoding.UTF8.GetBytes("""{"message":"busy"}"""));

        var message = (await new EventStreamReader(new MemoryStream(frame)).ReadAsync(CancellationToken.None))!.Value;

        Assert.Equal("exception", message.MessageType);
        Assert.Equal("ResourceInUseException", message.ExceptionType);
    }

    public static TheoryData<string, Func<byte[], byte[]>> Damage => new()
    {
        { "prelude's CRC-32", f => { f[9] ^= 1; return f; } },
        { "message's CRC-32", f => { f[^1] ^= 1; return f; } },
        { "message's CRC-32", f => { f[20] ^= 0x40; return f; } },
        { "ended inside a frame", f => f[..^5] },
        { "ended inside a frame", f => f[..5] },
        { "impossible lengths", f => { BinaryPrimitives.WriteInt32BigEndian(f, 10); BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(8), Crc32.HashToUInt32(f.AsSpan(0, 8))); return f; } },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task ADamagedFrame_IsATypedRetryableError_NamingTheProblem(string problem, Func<byte[], byte[]> damage)
    {
        var body = damage(Event("""{"Records":[]}"""));

        var error = await Assert.ThrowsAsync<KinesisException>(async () => await new EventStreamReader(new MemoryStream(body)).ReadAsync(CancellationToken.None));

        Assert.Equal(EventStreamReader.MalformedEventStream, error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownHeaderType_IsAnError_NotSkipped()
    {
        var frame = Frame([("x", 42, [1, 2, 3])], []);

        var error = await Assert.ThrowsAsync<KinesisException>(async () => await new EventStreamReader(new MemoryStream(frame)).ReadAsync(CancellationToken.None));

        Assert.Contains("unknown value type 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameLargerThanTheBuffer_GrowsIt()
    {
        var payload = new string('x', 200_000);
        var message = (await new EventStreamReader(new Trickle(Event(payload), 8192)).ReadAsync(CancellationToken.None))!.Value;

        Assert.Equal(payload.Length, message.Payload.Length);
    }
}
