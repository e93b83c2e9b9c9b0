namespace KinesisAttrib.Handlers;

/// <summary>
/// A position in a shard: a Kinesis sequence number plus the sub-sequence number of a user record inside a KPL
/// aggregate, or one of the sentinels <c>TRIM_HORIZON</c>, <c>LATEST</c>, <c>AT_TIMESTAMP</c> and <c>SHARD_END</c>
/// that the KCL lease table also stores in its <c>checkpoint</c> attribute.
/// </summary>
public readonly record struct ExtendedSequenceNumber(string SequenceNumber, long SubSequenceNumber = 0)
{
    /// <summary>Before the oldest retained record.</summary>
    public static ExtendedSequenceNumber TrimHorizon { get; } = new("TRIM_HORIZON");

    /// <summary>After the newest record at the time the shard is first read.</summary>
    public static ExtendedSequenceNumber Latest { get; } = new("LATEST");

    /// <summary>At a timestamp given by the application's configuration.</summary>
    public static ExtendedSequenceNumber AtTimestamp { get; } = new("AT_TIMESTAMP");

    /// <summary>The shard is closed and every record of it has been processed.</summary>
    public static ExtendedSequenceNumber ShardEnd { get; } = new("SHARD_END");

    /// <summary>True for the sentinels, false for a real sequence number.</summary>
    public bool IsSentinel => SequenceNumber.Length > 0 && !char.IsAsciiDigit(SequenceNumber[0]);

    /// <summary>True when this is <see cref="ShardEnd"/>.</summary>
    public bool IsShardEnd => SequenceNumber == "SHARD_END";

    /// <summary>
    /// Compares two real sequence numbers (decimal strings of up to 128 bits) and their sub-sequence numbers.
    /// Sentinels order as TRIM_HORIZON &lt; AT_TIMESTAMP &lt; any number &lt; LATEST &lt; SHARD_END.
    /// </summary>
    public static int Compare(ExtendedSequenceNumber left, ExtendedSequenceNumber right)
    {
        var byNumber = CompareSequenceNumbers(left.SequenceNumber, right.SequenceNumber);
        return byNumber != 0 ? byNumber : left.SubSequenceNumber.CompareTo(right.SubSequenceNumber);
    }

    /// <summary>Compares two sequence-number strings numerically (see <see cref="Compare"/> for sentinels).</summary>
    public static int CompareSequenceNumbers(string left, string right)
    {
        var l = Rank(left);
        var r = Rank(right);
        if (l != r)
        {
            return l.CompareTo(r);
        }

        if (l != 2)
        {
            return 0;
        }

        var a = left.AsSpan().TrimStart('0');
        var b = right.AsSpan().TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }

    private static int Rank(string value) => value switch
    {
        "TRIM_HORIZON" => 0,
        "AT_TIMESTAMP" => 1,
        "LATEST" => 3,
        "SHARD_END" => 4,
        _ when value.Length > 0 && IsAllDigits(value) => 2,
        _ => throw new FormatException($"'{value}' is neither a Kinesis sequence number nor one of TRIM_HORIZON, LATEST, AT_TIMESTAMP, SHARD_END."),
    };

    private static bool IsAllDigits(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => SubSequenceNumber == 0 ? SequenceNumber : $"{SequenceNumber}/{SubSequenceNumber}";
}
