using System.Buffers.Binary;
using System.Numerics;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// The hash key Kinesis gives a partition key: the MD5 of its UTF-8 bytes read as a 128-bit unsigned big-endian
/// number. A small managed MD5 (RFC 1321), because partition keys are short (at most 256 characters) and hashed once
/// per distinct key of every aggregate: for such inputs the platform's one-shot <c>MD5.HashData</c> costs more in
/// setting up the native digest (about a microsecond with OpenSSL 3) than in hashing. Checked against
/// <c>MD5.HashData</c> by the tests.
/// </summary>
internal static class PartitionKeyHash
{
    private static readonly uint[] Sines = CreateSines();

    private static ReadOnlySpan<byte> Shifts =>
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    /// <summary>The hash key of a partition key given as UTF-8 bytes.</summary>
    public static UInt128 Of(ReadOnlySpan<byte> utf8PartitionKey)
    {
        Span<byte> digest = stackalloc byte[16];
        Md5(utf8PartitionKey, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>MD5 of <paramref name="data"/> into the 16 bytes of <paramref name="digest"/>.</summary>
    public static void Md5(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        uint a = 0x67452301, b = 0xEFCDAB89, c = 0x98BADCFE, d = 0x10325476;
        var full = data.Length & ~63;
        for (var offset = 0; offset < full; offset += 64)
        {
            Block(data.Slice(offset, 64), ref a, ref b, ref c, ref d);
        }

        // The tail, 0x80, zeros, and the length in bits (little-endian): one block, or two when the tail is long.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = data[full..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.Slice(tailLength - 8), (ulong)data.Length * 8);
        for (var offset = 0; offset < tailLength; offset += 64)
        {
            Block(tail.Slice(offset, 64), ref a, ref b, ref c, ref d);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(digest, a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], d);
    }

    private static void Block(ReadOnlySpan<byte> block, ref uint a0, ref uint b0, ref uint c0, ref uint d0)
    {
        Span<uint> m = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(i * 4, 4));
        }

        uint a = a0, b = b0, c = c0, d = d0;
        var sines = Sines;
        var shifts = Shifts;

        // Four rounds of sixteen steps; after each step the registers rotate (a, b, c, d) := (d, b + …, b, c).
        for (var i = 0; i < 16; i++)
        {
            Step((b & c) | (~b & d), i, i, ref a, ref b, ref c, ref d, sines, shifts, m);
        }

        for (var i = 16; i < 32; i++)
        {
            Step((d & b) | (~d & c), i, ((5 * i) + 1) & 15, ref a, ref b, ref c, ref d, sines, shifts, m);
        }

        for (var i = 32; i < 48; i++)
        {
            Step(b ^ c ^ d, i, ((3 * i) + 5) & 15, ref a, ref b, ref c, ref d, sines, shifts, m);
        }

        for (var i = 48; i < 64; i++)
        {
            Step(c ^ (b | ~d), i, (7 * i) & 15, ref a, ref b, ref c, ref d, sines, shifts, m);
        }

        a0 += a;
        b0 += b;
        c0 += c;
        d0 += d;
    }

    private static void Step(uint f, int i, int g, ref uint a, ref uint b, ref uint c, ref uint d, uint[] sines, ReadOnlySpan<byte> shifts, Span<uint> m)
    {
        f += a + sines[i] + m[g];
        a = d;
        d = c;
        c = b;
        b += BitOperations.RotateLeft(f, shifts[i]);
    }

    // K[i] = floor(|sin(i + 1)| × 2^32), as RFC 1321 defines them (doubles give them exactly).
    private static uint[] CreateSines()
    {
        var sines = new uint[64];
        for (var i = 0; i < 64; i++)
        {
            sines[i] = (uint)(Math.Abs(Math.Sin(i + 1)) * 4294967296.0);
        }

        return sines;
    }
}
