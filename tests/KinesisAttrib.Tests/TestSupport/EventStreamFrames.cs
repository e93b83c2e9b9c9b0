using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// Builds <c>application/vnd.amazon.eventstream</c> frames byte by byte from the format's definition (prelude, headers,
/// payload, two CRC-32s), for the decoder's tests and the fake SubscribeToShard server.
/// </summary>
internal static class EventStreamFrames
{
    public static byte[] Frame(IEnumerable<(string Name, byte Type, byte[] Value)> headers, byte[] payload)
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

    public static (string, byte, byte[]) StringHeader(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var encoded = new byte[2 + bytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)bytes.Length);
        bytes.CopyTo(encoded, 2);
        return (name, 7, encoded);
    }

    /// <summary>A <c>SubscribeToShardEvent</c> frame with this JSON payload.</summary>
    public static byte[] Event(string payload) => Frame(
        [StringHeader(":message-type", "event"), StringHeader(":event-type", "SubscribeToShardEvent"), StringHeader(":content-type", "application/json")],
        Encoding.UTF8.GetBytes(payload));

    /// <summary>
    /// A <c>SubscribeToShardEvent</c> carrying records with these sequence numbers (each record's data is
    /// <c>data-SEQ</c>, its partition key <c>key</c>) and a continuation (null for a closed shard's last event).
    /// </summary>
    public static byte[] RecordsEvent(IEnumerable<long> sequenceNumbers, string? continuation, long millisBehindLatest = 0, string padding = "")
    {
        var records = string.Join(',', sequenceNumbers.Select(n =>
            $$"""{"SequenceNumber":"{{n}}","ApproximateArrivalTimestamp":1.7e9,"Data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes($"data-{n}{padding}"))}}","PartitionKey":"key"}"""));
        var next = continuation is null ? "null" : $"\"{continuation}\"";
        return Event($$"""{"Records":[{{records}}],"ContinuationSequenceNumber":{{next}},"MillisBehindLatest":{{millisBehindLatest}}}""");
    }

    /// <summary>The optional <c>initial-response</c> event.</summary>
    public static byte[] InitialResponse() =>
        Frame([StringHeader(":message-type", "event"), StringHeader(":event-type", "initial-response")], Encoding.UTF8.GetBytes("{}"));

    /// <summary>A modelled exception frame, as Kinesis sends one mid-stream.</summary>
    public static byte[] ExceptionFrame(string exceptionType, string message) =>
        Frame(
            [StringHeader(":message-type", "exception"), StringHeader(":exception-type", exceptionType), StringHeader(":content-type", "application/json")],
            Encoding.UTF8.GetBytes($$"""{"message":"{{message}}"}"""));
}
