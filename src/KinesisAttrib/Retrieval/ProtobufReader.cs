namespace KinesisAttrib.Retrieval;

/// <summary>The protobuf wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    /// <summary>A base-128 varint.</summary>
    Varint = 0,

    /// <summary>Eight little-endian bytes.</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes (strings, bytes, nested messages).</summary>
    LengthDelimited = 2,

    /// <summary>The start of a (deprecated) group; its fields follow until the matching end-group tag.</summary>
    StartGroup = 3,

    /// <summary>The end of a group.</summary>
    EndGroup = 4,

    /// <summary>Four little-endian bytes.</summary>
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader of protobuf wire format over a span: just enough to decode KPL aggregates without a protobuf
/// package. Every method returns false on malformed input (a truncated value, a varint longer than ten bytes or
/// overflowing 64 bits, a length past the end, an invalid tag or wire type, an unbalanced group) instead of throwing,
/// so a record that only looks like an aggregate can be passed through cheaply. Nothing is allocated.
/// </summary>
internal ref struct ProtobufReader
{
    /// <summary>How deeply unknown groups may nest before the input is treated as malformed.</summary>
    private const int MaxGroupDepth = 64;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>The offset of the next unread byte.</summary>
    public readonly int Position => _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool AtEnd => _position >= _buffer.Length;

    /// <summary>Reads a field's tag: its number (1 to 2^29 − 1) and wire type.</summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        fieldNumber = 0;
        wireType = default;
        if (!TryReadVarint(out var tag) || tag > uint.MaxValue)
        {
            return false;
        }

        var type = (int)(tag & 7);
        var number = tag >> 3;
        if (number is 0 or > 0x1FFF_FFFF || type > (int)WireType.Fixed32)
        {
            return false;
        }

        fieldNumber = (int)number;
        wireType = (WireType)type;
        return true;
    }

    /// <summary>Reads a varint of at most ten bytes that fits 64 bits.</summary>
    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                return false;
            }

            var b = _buffer[_position++];

            // The tenth byte carries bit 63 only; anything more would overflow 64 bits.
            if (shift == 63 && b > 1)
            {
                return false;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a length-delimited value, returning where its bytes are in the buffer.</summary>
    public bool TryReadLengthDelimited(out int offset, out int length)
    {
        offset = 0;
        length = 0;
        if (!TryReadVarint(out var size) || size > (ulong)(_buffer.Length - _position))
        {
            return false;
        }

        offset = _position;
        length = (int)size;
        _position += length;
        return true;
    }

    /// <summary>Skips the value of a field of an unknown number, whatever its wire type.</summary>
    public bool TrySkip(int fieldNumber, WireType wireType) => TrySkip(fieldNumber, wireType, 0);

    private bool TrySkip(int fieldNumber, WireType wireType, int depth)
    {
        switch (wireType)
        {
            case WireType.Varint:
                return TryReadVarint(out _);
            case WireType.Fixed64:
                return TryAdvance(8);
            case WireType.Fixed32:
                return TryAdvance(4);
            case WireType.LengthDelimited:
                return TryReadLengthDelimited(out _, out _);
            case WireType.StartGroup:
                if (depth >= MaxGroupDepth)
                {
                    return false;
                }

                while (TryReadTag(out var inner, out var innerType))
                {
                    if (innerType == WireType.EndGroup)
                    {
                        return inner == fieldNumber;
                    }

                    if (!TrySkip(inner, innerType, depth + 1))
                    {
                        return false;
                    }
                }

                return false;
            default:
                // An end-group tag with no group open.
                return false;
        }
    }

    private bool TryAdvance(int count)
    {
        if (_buffer.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }
}
