using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Retrieval;

namespace KinesisAttrib.Tests.Retrieval;

public sealed class PartitionKeyHashTests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Md5_MatchesTheRfc1321TestSuite(string input, string expected)
    {
        var digest = new byte[16];
        PartitionKeyHash.Md5(Encoding.ASCII.GetBytes(input), digest);
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Md5_MatchesThePlatformMd5_AtEveryLengthAroundTheBlockBoundaries()
    {
        var random = new Random(1321);
        var digest = new byte[16];
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            PartitionKeyHash.Md5(data, digest);
#pragma warning disable CA5351 // The reference for the hand-written MD5.
            Assert.Equal(MD5.HashData(data), digest);
#pragma warning restore CA5351
        }
    }

    [Fact]
    public void TheHashKey_IsTheMd5ReadAsABigEndianNumber()
    {
        var key = Encoding.UTF8.GetBytes("customer-42");
#pragma warning disable CA5351 // How Kinesis maps a partition key to a hash key.
        Assert.Equal(BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(key)), PartitionKeyHash.Of(key));
#pragma warning restore CA5351
    }
}
