using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using KinesisAttrib.Kinesis;
using static KinesisAttrib.Tests.TestSupport.EventStreamFrames;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// The event-stream framing of SubscribeToShard: frames built here byte by byte from the format's definition (prelude,
/// headers of every value type, payload, two CRC-32s) decode to their headers and payload, and events to records and
/// their continuation; every kind of damage is a typed, retryable error, never a skipped or half-read frame.
/// </summary>
public sealed class EventStreamReaderTests
{
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

    private static async Task<EventStreamMessage> ReadOneAsync(byte[] frame) =>
        (await new EventStreamReader(new MemoryStream(frame)).ReadAsync(CancellationToken.None))!.Value;

    [Fact]
    public async Task ASubscribeToShardEvent_DecodesToRecordsAndTheContinuation()
    {
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("order-1"));
        var message = await ReadOneAsync(Event($$$"""
            {"Records":[{"SequenceNumber":"4959","ApproximateArrivalTimestamp":1.7e9,"Data":"{{{data}}}","PartitionKey":"k1"}],
             "ContinuationSequenceNumber":"4960","MillisBehindLatest":1200,
             "ChildShards":[{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"99"}}]}
            """));

        var decoded = SubscribeToShardEvent.Decode(message, "orders")!;

        var record = Assert.Single(decoded.Records);
        Assert.Equal("4959", record.SequenceNumber);
        Assert.Equal("order-1", Encoding.UTF8.GetString(record.Data.Span));
        Assert.Equal("k1", record.PartitionKey);
        Assert.Equal("4960", decoded.ContinuationSequenceNumber);
        Assert.Equal(1200, decoded.MillisBehindLatest);
        var child = Assert.Single(decoded.ChildShards!);
        Assert.Equal("shardId-000000000002", child.ShardId);
        Assert.Equal(["shardId-000000000000"], child.ParentShards);
    }

    [Fact]
    public async Task AnInitialResponse_IsNoEvent()
    {
        var message = await ReadOneAsync(Frame([StringHeader(":message-type", "event"), StringHeader(":event-type", "initial-response")], Encoding.UTF8.GetBytes("{}")));

        Assert.Null(SubscribeToShardEvent.Decode(message, "orders"));
    }

    [Fact]
    public async Task ExceptionAndErrorFrames_ThrowTheTypedErrorTheyCarry()
    {
        var inUse = await ReadOneAsync(Frame([StringHeader(":message-type", "exception"), StringHeader(":exception-type", "ResourceInUseException")], Encoding.UTF8.GetBytes("""{"message":"another subscription"}""")));
        var missing = await ReadOneAsync(Frame([StringHeader(":message-type", "exception"), StringHeader(":exception-type", "ResourceNotFoundException")], Encoding.UTF8.GetBytes("""{"message":"no consumer"}""")));
        var error = await ReadOneAsync(Frame([StringHeader(":message-type", "error"), StringHeader(":error-code", "InternalFailure"), StringHeader(":error-message", "try again")], []));

        var busy = Assert.Throws<KinesisException>(() => SubscribeToShardEvent.Decode(inUse, "orders"));
        Assert.Equal("ResourceInUseException", busy.ErrorType);
        Assert.Contains("another subscription", busy.Message, StringComparison.Ordinal);
        Assert.False(busy.IsRetryable);
        Assert.Throws<ResourceNotFoundException>(() => SubscribeToShardEvent.Decode(missing, "orders"));
        var failure = Assert.Throws<KinesisException>(() => SubscribeToShardEvent.Decode(error, "orders"));
        Assert.Equal("InternalFailure", failure.ErrorType);
        Assert.Contains("try again", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event", "SomethingNew", "{}")]
    [InlineData("surprise", null, "{}")]
    [InlineData("event", "SubscribeToShardEvent", "{not json")]
    [InlineData("event", "SubscribeToShardEvent", """{"Records":{},"ContinuationSequenceNumber":"1"}""")]
    public async Task AnUnknownOrBrokenEvent_IsAMalformedStream_NotSkipped(string messageType, string? eventType, string payload)
    {
        var headers = new List<(string, byte, byte[])> { StringHeader(":message-type", messageType) };
        if (eventType is not null)
        {
            headers.Add(StringHeader(":event-type", eventType));
        }

        var message = await ReadOneAsync(Frame(headers, Encoding.UTF8.GetBytes(payload)));

        var error = Assert.Throws<KinesisException>(() => SubscribeToShardEvent.Decode(message, "orders"));
        Assert.True(error.ErrorType is EventStreamReader.MalformedEventStream or "MalformedResponse", error.ErrorType);
        Assert.True(error.IsRetryable);
    }
}
