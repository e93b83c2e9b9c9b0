using KinesisAttrib.Handlers;

namespace KinesisAttrib.Tests.Processing;

public sealed class ExtendedSequenceNumberTests
{
    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("49600000000000000000000000000000000000000000000000000006", "49600000000000000000000000000000000000000000000000000010", -1)]
    [InlineData("00012", "12", 0)]
    [InlineData("TRIM_HORIZON", "1", -1)]
    [InlineData("AT_TIMESTAMP", "1", -1)]
    [InlineData("LATEST", "1", 1)]
    [InlineData("SHARD_END", "99999999999999999999999999999999999999", 1)]
    public void CompareSequenceNumbers_OrdersNumericallyWithSentinels(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(ExtendedSequenceNumber.CompareSequenceNumbers(left, right)));
        Assert.Equal(-expected, Math.Sign(ExtendedSequenceNumber.CompareSequenceNumbers(right, left)));
    }

    [Fact]
    public void Compare_UsesTheSubSequenceNumberWhenSequenceNumbersAreEqual()
    {
        Assert.True(ExtendedSequenceNumber.Compare(new("5", 1), new("5", 2)) < 0);
        Assert.True(ExtendedSequenceNumber.Compare(new("6", 0), new("5", 9)) > 0);
    }

    [Fact]
    public void CompareSequenceNumbers_RejectsSomethingThatIsNotASequenceNumber()
    {
        var error = Assert.Throws<FormatException>(() => ExtendedSequenceNumber.CompareSequenceNumbers("12a", "1"));
        Assert.Contains("12a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sentinels_AreRecognised()
    {
        Assert.True(ExtendedSequenceNumber.ShardEnd.IsShardEnd);
        Assert.True(ExtendedSequenceNumber.TrimHorizon.IsSentinel);
        Assert.False(new ExtendedSequenceNumber("123").IsSentinel);
        Assert.Equal("5/3", new ExtendedSequenceNumber("5", 3).ToString());
    }
}
