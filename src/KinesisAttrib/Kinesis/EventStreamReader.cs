using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// Reads an <c>application/vnd.amazon.eventstream</c> body frame by frame: a 12-byte prelude (total length, headers
/// length, CRC-32 of those 8 bytes), the headers, the payload and a CRC-32 of everything before it. Both checksums are
/// verified; a bad checksum, a truncated frame or an impossible length is a <see cref="KinesisException"/> with
/// <see cref="MalformedEventStream"/>, retryable (the subscription restarts from the last delivered position).
/// </summary>
/// <remarks>
/// One frame is read only when asked for, so a caller that asks after its handler took the previous batch gets
/// backpressure from HTTP/2 flow control without any buffering here. The buffer grows to the largest frame and is
/// reused.
/// </remarks>
internal sealed class EventStreamReader(Stream body)
{
    /// <summary>The <see cref="KinesisException.ErrorType"/> of a frame that cannot be decoded.</summary>
    public const string MalformedEventStream = "MalformedEventStream";

    private const int PreludeLength = 12;
    private const int MinimumFrameLength = PreludeLength + 4;

    // Far above any SubscribeToShard event from Kinesis (records of up to 1 MiB, an event carries at most a few MiB).
    // kinesis-local puts a shard's whole backlog into one event (5,000 records of 1 KB made one 7.5 MB frame), hence
    // the headroom. The prelude's CRC has been checked before this bound, so it only stops a runaway server.
    private const int MaximumFrameLength = 64 * 1024 * 1024;

    private byte[] _buffer = new byte[64 * 1024];

    /// <summary>The next message, or null when the body ended cleanly between frames.</summary>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(0, PreludeLength, endAllowed: true, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var totalLength = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(0, 4));
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(4, 4));
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(8, 4));
        if (Crc32.HashToUInt32(_buffer.AsSpan(0, 8)) != preludeCrc)
        {
            throw Malformed($"the prelude's CRC-32 does not match (total length {totalLength}, headers length {headersLength})");
        }

        if (totalLength is < MinimumFrameLength or > MaximumFrameLength || headersLength < 0 || headersLength > totalLength - MinimumFrameLength)
        {
            throw Malformed($"impossible lengths in the prelude (total {totalLength}, headers {headersLength})");
        }

        if (_buffer.Length < totalLength)
        {
            var grown = new byte[Math.Max(totalLength, _buffer.Length * 2)];
            _buffer.AsSpan(0, PreludeLength).CopyTo(grown);
            _buffer = grown;
        }

        await FillAsync(PreludeLength, totalLength - PreludeLength, endAllowed: false, cancellationToken).ConfigureAwait(false);
        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(totalLength - 4, 4));
        if (Crc32.HashToUInt32(_buffer.AsSpan(0, totalLength - 4)) != messageCrc)
        {
            throw Malformed($"the message's CRC-32 does not match (frame of {totalLength} bytes)");
        }

        var headers = ReadHeaders(_buffer.AsSpan(PreludeLength, headersLength));
        var payloadStart = PreludeLength + headersLength;
        return new EventStreamMessage(headers, _buffer.AsMemory(payloadStart, totalLength - 4 - payloadStart));
    }

    // Reads exactly count bytes at offset; false only when endAllowed and the body ended before the first byte.
    private async ValueTask<bool> FillAsync(int offset, int count, bool endAllowed, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < count)
        {
            var n = await body.ReadAsync(_buffer.AsMemory(offset + read, count - read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 && endAllowed
                    ? false
                    : throw Malformed($"the body ended inside a frame ({read} of {count} bytes read)");
            }

            read += n;
        }

        return true;
    }

    private static Dictionary<string, object> ReadHeaders(ReadOnlySpan<byte> span)
    {
        var headers = new Dictionary<string, object>(StringComparer.Ordinal);
        while (!span.IsEmpty)
        {
            var nameLength = span[0];
            if (span.Length < 1 + nameLength + 1)
            {
                throw Malformed("a header runs past the headers section");
            }

            var name = Encoding.UTF8.GetString(span.Slice(1, nameLength));
            var type = span[1 + nameLength];
            span = span[(2 + nameLength)..];
            (object value, int length) = type switch
            {
                0 => (true, 0),
                1 => (false, 0),
                2 => ((object)(sbyte)Need(span, 1)[0], 1),
                3 => (BinaryPrimitives.ReadInt16BigEndian(Need(span, 2)), 2),
                4 => (BinaryPrimitives.ReadInt32BigEndian(Need(span, 4)), 4),
                5 => (BinaryPrimitives.ReadInt64BigEndian(Need(span, 8)), 8),
                6 => (Need(span, 2 + BinaryPrimitives.ReadUInt16BigEndian(Need(span, 2))).Slice(2).ToArray(), 2 + BinaryPrimitives.ReadUInt16BigEndian(span)),
                7 => (Encoding.UTF8.GetString(Need(span, 2 + BinaryPrimitives.ReadUInt16BigEndian(Need(span, 2))).Slice(2)), 2 + BinaryPrimitives.ReadUInt16BigEndian(span)),
                8 => (DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Need(span, 8))), 8),
                9 => (new Guid(Need(span, 16), bigEndian: true), 16),
                _ => throw Malformed($"header '{name}' has unknown value type {type}"),
            };
            headers[name] = value;
            span = span[length..];
        }

        return headers;
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> span, int length) =>
        span.Length >= length ? span[..length] : throw Malformed("a header value runs past the headers section");

    private static KinesisException Malformed(string problem) =>
        new(MalformedEventStream, $"Malformed event stream from SubscribeToShard: {problem}.") { Operation = "SubscribeToShard" };
}
