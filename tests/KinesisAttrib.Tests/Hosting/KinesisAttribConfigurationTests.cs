using System.Reflection;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KinesisAttrib.Tests.Hosting;

public sealed class KinesisAttribConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Bind_MatchesKeysCaseInsensitivelyLikeEveryOtherConfigurationConsumer()
    {
        // Configuration keys are case-insensitive (KINESISATTRIB__MAXRECORDS, camelCase JSON): not typos.
        var options = new KinesisAttribOptions();
        KinesisAttribConfiguration.Bind(Config(
            ("KINESISATTRIB:MAXRECORDS", "250"),
            ("KinesisAttrib:failoverTime", "00:00:20"),
            ("KinesisAttrib:streamNames:orders", "orders-prod"),
            ("KinesisAttrib:APPLICATIONS:billing:maxRecords", "100")).GetSection("KinesisAttrib"), options);

        Assert.Equal((250, TimeSpan.FromSeconds(20), "orders-prod", 100), (options.MaxRecords, options.FailoverTime, options.StreamNames["orders"], options.Applications["billing"].MaxRecords));
    }

    [Fact]
    public void Bind_ReadsEveryOptionStreamNamesAndApplications()
    {
        var options = new KinesisAttribOptions();
        KinesisAttribConfiguration.Bind(Config(
            ("KinesisAttrib:ApplicationName", "shop"),
            ("KinesisAttrib:WorkerId", "worker-7"),
            ("KinesisAttrib:Region", "eu-west-1"),
            ("KinesisAttrib:KinesisEndpoint", "http://127.0.0.1:4567"),
            ("KinesisAttrib:DynamoDbEndpoint", "http://127.0.0.1:4568"),
            ("KinesisAttrib:FailoverTime", "00:00:20"),
            ("KinesisAttrib:LeaseRenewalInterval", "00:00:05"),
            ("KinesisAttrib:LeaseTakerInterval", "00:00:07"),
            ("KinesisAttrib:ShardSyncInterval", "00:02:00"),
            ("KinesisAttrib:IdleTimeBetweenReads", "00:00:00.250"),
            ("KinesisAttrib:MaxRecords", "500"),
            ("KinesisAttrib:ProcessingRetryDelay", "00:00:03"),
            ("KinesisAttrib:ShutdownTimeout", "00:01:00"),
            ("KinesisAttrib:StartupRetryTime", "00:00:15"),
            ("KinesisAttrib:FailHostOnFatalError", "false"),
            ("KinesisAttrib:StreamNames:orders", "orders-prod"),
            ("KinesisAttrib:Applications:billing:MaxRecords", "100"),
            ("KinesisAttrib:Applications:billing:IdleTimeBetweenReads", "00:00:02"),
            ("KinesisAttrib:Applications:billing:LeaseTableName", "billing-leases"),
            ("KinesisAttrib:Applications:billing:FailoverTime", "00:00:30"),
            ("KinesisAttrib:Applications:billing:ShardSyncInterval", "00:00:30"),
            ("KinesisAttrib:Applications:billing:ProcessingRetryDelay", "00:00:09")).GetSection("KinesisAttrib"), options);

        Assert.Equal(("shop", "worker-7", "eu-west-1"), (options.ApplicationName, options.WorkerId, options.Region));
        Assert.Equal((new Uri("http://127.0.0.1:4567"), new Uri("http://127.0.0.1:4568")), (options.KinesisEndpoint, options.DynamoDbEndpoint));
        Assert.Equal(TimeSpan.FromSeconds(20), options.FailoverTime);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)), (options.LeaseRenewalInterval!.Value, options.LeaseTakerInterval!.Value));
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(250)), (options.ShardSyncInterval, options.IdleTimeBetweenReads));
        Assert.Equal((500, TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(1)), (options.MaxRecords, options.ProcessingRetryDelay, options.ShutdownTimeout));
        Assert.Equal((TimeSpan.FromSeconds(15), false), (options.StartupRetryTime, options.FailHostOnFatalError));
        Assert.Equal("orders-prod", options.StreamNames["orders"]);
        var billing = options.Applications["billing"];
        Assert.Equal((100, TimeSpan.FromSeconds(2), "billing-leases"), (billing.MaxRecords!.Value, billing.IdleTimeBetweenReads!.Value, billing.LeaseTableName));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(9)), (billing.FailoverTime!.Value, billing.ShardSyncInterval!.Value, billing.ProcessingRetryDelay!.Value));
    }

    [Theory]
    [InlineData("KinesisAttrib:MaxRecrods", "5", "'KinesisAttrib:MaxRecrods' is not a KinesisAttrib setting")]
    [InlineData("KinesisAttrib:Applications:billing:MaxRecrods", "5", "'KinesisAttrib:Applications:billing:MaxRecrods' is not a KinesisAttrib setting")]
    [InlineData("KinesisAttrib:MaxRecords", "many", "'KinesisAttrib:MaxRecords' = 'many' is not a whole number")]
    [InlineData("KinesisAttrib:FailoverTime", "10 seconds", "'KinesisAttrib:FailoverTime' = '10 seconds' is not a time span")]
    [InlineData("KinesisAttrib:KinesisEndpoint", "localhost", "'KinesisAttrib:KinesisEndpoint' = 'localhost' is not an absolute URI")]
    public void Bind_RejectsUnknownKeysAndUnparsableValues_NamingTheKey(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KinesisAttribConfiguration.Bind(Config((key, value)).GetSection("KinesisAttrib"), new KinesisAttribOptions()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKinesisAttrib_WithConfiguration_BindsTheSectionAndLetsCodeWin()
    {
        var services = new ServiceCollection();
        services.AddKinesisAttrib(Config(("KinesisAttrib:ApplicationName", "from-config"), ("KinesisAttrib:MaxRecords", "42")), o => o.ApplicationName = "from-code");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KinesisAttribOptions>>().Value;

        Assert.Equal(("from-code", 42), (options.ApplicationName, options.MaxRecords));
    }

    [Fact]
    public void Bind_ReadsTheRetrievalModeByName_PerApplicationToo_AndRefusesANumberOrAnUnknownMode()
    {
        var options = new KinesisAttribOptions();

        KinesisAttribConfiguration.Bind(
            Config(("KinesisAttrib:RetrievalMode", "fanout"), ("KinesisAttrib:Applications:billing:RetrievalMode", "Polling"), ("KinesisAttrib:Applications:billing:FanOutConsumerArn", "arn:x"), ("KinesisAttrib:Applications:billing:MaxReadAheadBatches", "0")).GetSection("KinesisAttrib"),
            options);
        var number = Assert.Throws<InvalidOperationException>(() => KinesisAttribConfiguration.Bind(Config(("KinesisAttrib:RetrievalMode", "1")).GetSection("KinesisAttrib"), new KinesisAttribOptions()));
        var unknown = Assert.Throws<InvalidOperationException>(() => KinesisAttribConfiguration.Bind(Config(("KinesisAttrib:Applications:a:RetrievalMode", "Push")).GetSection("KinesisAttrib"), new KinesisAttribOptions()));

        Assert.Equal(RetrievalMode.FanOut, options.RetrievalMode);
        Assert.Equal((RetrievalMode.Polling, "arn:x", 0), (options.Applications["billing"].RetrievalMode!.Value, options.Applications["billing"].FanOutConsumerArn, options.Applications["billing"].MaxReadAheadBatches!.Value));
        Assert.Contains("'KinesisAttrib:RetrievalMode' = '1' is not a retrieval mode (Polling or FanOut)", number.Message, StringComparison.Ordinal);
        Assert.Contains("'KinesisAttrib:Applications:a:RetrievalMode' = 'Push'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_CopiesEverySettableOption()
    {
        var original = new KinesisAttribOptions();
        foreach (var property in Settable())
        {
            property.SetValue(original, Different(property));
        }

        original.StreamNames["a"] = "b";
        original.Applications["app"] = new KinesisApplicationOptions { MaxRecords = 3 };

        var copy = original.Clone();

        foreach (var property in Settable())
        {
            Assert.True(Equals(property.GetValue(original), property.GetValue(copy)), $"Clone() does not copy {property.Name}; add it there.");
        }

        Assert.Equal("b", copy.StreamNames["a"]);
        Assert.Equal(3, copy.Applications["app"].MaxRecords);
        copy.StreamNames["a"] = "changed";
        Assert.Equal("b", original.StreamNames["a"]);
    }

    [Fact]
    public void Bind_KnowsEverySettableOptionExceptCredentials()
    {
        foreach (var property in Settable().Where(p => p.Name != nameof(KinesisAttribOptions.Credentials)))
        {
            var value = Different(property);
            var text = value switch
            {
                TimeSpan time => time.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString()!,
            };
            var options = new KinesisAttribOptions();

            KinesisAttribConfiguration.Bind(Config(($"KinesisAttrib:{property.Name}", text)).GetSection("KinesisAttrib"), options);

            Assert.True(Equals(value, property.GetValue(options)), $"Configuration key KinesisAttrib:{property.Name} is not bound; add it to KinesisAttribConfiguration.Bind.");
        }
    }

    private static IEnumerable<PropertyInfo> Settable() =>
        typeof(KinesisAttribOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    /// <summary>A value unlike the default for each option type; a new type fails here by name, so the test is extended.</summary>
    private static object Different(PropertyInfo property) => property.PropertyType switch
    {
        var t when t == typeof(string) => "x-" + property.Name,
        var t when t == typeof(int) => 1234,
        var t when t == typeof(long) => 123_456_789L,
        var t when t == typeof(bool) => !(bool)property.GetValue(new KinesisAttribOptions())!,
        var t when t == typeof(TimeSpan) || t == typeof(TimeSpan?) => TimeSpan.FromMilliseconds(property.Name.Length * 1_001),
        var t when t == typeof(Uri) => new Uri("http://127.0.0.1:9/" + property.Name),
        var t when t == typeof(Amazon.Runtime.AWSCredentials) => new Amazon.Runtime.BasicAWSCredentials("a", "b"),
        var t when t.IsEnum => Enum.GetValues(t).GetValue(Enum.GetValues(t).Length - 1)!,
        _ => throw new InvalidOperationException($"Add a test value for option {property.Name} of type {property.PropertyType}."),
    };
}
