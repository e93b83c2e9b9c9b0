using KinesisAttrib.Hosting;

namespace KinesisAttrib.Tests.Leases;

public sealed class LeaseOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndFollowTheDocumentedValues()
    {
        var options = new KinesisAttribOptions();

        options.Validate();

        Assert.Equal(int.MaxValue, options.MaxLeasesForWorker);
        Assert.Equal(1, options.MaxLeasesToStealAtOneTime);
        Assert.Equal(TimeSpan.FromHours(1), options.CompletedLeaseRetention);
        Assert.Equal(TimeSpan.FromMinutes(5), options.LeaseCleanupInterval);
        Assert.Equal(TimeSpan.FromSeconds(8), options.EffectiveRenewalInterval);
    }

    [Theory]
    [InlineData(nameof(KinesisAttribOptions.MaxLeasesForWorker), "1 or more")]
    [InlineData(nameof(KinesisAttribOptions.MaxLeasesToStealAtOneTime), "1 to 100")]
    [InlineData(nameof(KinesisAttribOptions.CompletedLeaseRetention), "zero or more")]
    [InlineData(nameof(KinesisAttribOptions.LeaseCleanupInterval), "greater than zero")]
    [InlineData(nameof(KinesisAttribOptions.LeaseRenewalInterval), "at most 7/8 of FailoverTime")]
    public void Validate_NamesTheOptionAndItsRange(string option, string range)
    {
        var options = new KinesisAttribOptions();
        switch (option)
        {
            case nameof(KinesisAttribOptions.MaxLeasesForWorker): options.MaxLeasesForWorker = 0; break;
            case nameof(KinesisAttribOptions.MaxLeasesToStealAtOneTime): options.MaxLeasesToStealAtOneTime = 101; break;
            case nameof(KinesisAttribOptions.CompletedLeaseRetention): options.CompletedLeaseRetention = TimeSpan.FromSeconds(-1); break;
            case nameof(KinesisAttribOptions.LeaseCleanupInterval): options.LeaseCleanupInterval = TimeSpan.Zero; break;
            default: options.LeaseRenewalInterval = TimeSpan.FromSeconds(9); break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
    }
}
