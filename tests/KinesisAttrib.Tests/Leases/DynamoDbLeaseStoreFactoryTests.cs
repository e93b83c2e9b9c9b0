using Amazon.DynamoDBv2;
using Amazon.Runtime;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.Leases;

public sealed class DynamoDbLeaseStoreFactoryTests : IDisposable
{
    // Never called: creating a store sends no request.
    private readonly AmazonDynamoDBClient _client = new(
        new BasicAWSCredentials("AKIAUNITTEST", "not-a-secret"),
        new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9/", AuthenticationRegion = "us-east-1" });

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("orders")]
    [InlineData("Order_Pipeline-v2.archive")]
    [InlineData("abc")]
    public void Create_NamesTheTableAfterTheApplication(string applicationName)
    {
        var store = new DynamoDbLeaseStoreFactory(_client).Create(applicationName);

        Assert.Equal(applicationName, Assert.IsType<DynamoDbLeaseStore>(store).TableName);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("")]
    [InlineData("order pipeline")]
    [InlineData("orders/archive")]
    [InlineData("commandes-réseau")]
    public void Create_WithANameDynamoDbRejects_ThrowsNamingIt(string applicationName)
    {
        var error = Assert.Throws<ArgumentException>(() => new DynamoDbLeaseStoreFactory(_client).Create(applicationName));

        Assert.Equal("applicationName", error.ParamName);
        Assert.Contains($"'{applicationName}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithANameLongerThan255Characters_Throws()
    {
        var factory = new DynamoDbLeaseStoreFactory(_client);

        Assert.NotNull(factory.Create(new string('a', 255)));
        Assert.Throws<ArgumentException>(() => factory.Create(new string('a', 256)));
    }
}
