using System.Globalization;

namespace KinesisAttrib.Retrieval;

/// <summary>The hash keys a shard owns (both ends included), as 128-bit unsigned integers.</summary>
/// <param name="Start">The lowest hash key (<c>startingHashKey</c>).</param>
/// <param name="End">The highest hash key (<c>endingHashKey</c>).</param>
internal readonly record struct HashKeyRange(UInt128 Start, UInt128 End)
{
    /// <summary>True when <paramref name="hashKey"/> belongs to the shard.</summary>
    public bool Contains(UInt128 hashKey) => hashKey >= Start && hashKey <= End;

    /// <summary>
    /// The range given by a lease's <c>startingHashKey</c>/<c>endingHashKey</c> (decimal strings), or null when either is
    /// missing or not a 128-bit decimal number: then the shard's range is unknown and no record is filtered by it.
    /// </summary>
    public static HashKeyRange? FromDecimal(string? start, string? end)
        => UInt128.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && UInt128.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            && s <= e
                ? new HashKeyRange(s, e)
                : null;

    /// <inheritdoc />
    public override string ToString() => $"{Start}..{End}";
}
