using Amazon.Runtime;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>The default Kinesis client registration resolves region and endpoint when the host builds it.</summary>
public sealed class AwsClientsTests
{
    private static ServiceProvider Build(Action<KinesisAttribOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddKinesisAttrib(o =>
        {
            o.ApplicationName = "app";
            o.Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret");
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public void TheDefaultClient_UsesTheConfiguredRegionAndEndpoint()
    {
        using var provider = Build(o =>
        {
            o.Region = "eu-central-1";
            o.KinesisEndpoint = new Uri("http://127.0.0.1:4567");
        });

        var client = Assert.IsType<KinesisHttpClient>(provider.GetRequiredService<IKinesisClient>());

        Assert.Equal("eu-central-1", client.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4567"), client.Endpoint);
    }

    [Fact]
    public void TheDefaultClient_TakesItsTimeoutAndAttemptsFromTheOptions()
    {
        using var provider = Build(o =>
        {
            o.Region = "eu-central-1";
            o.KinesisEndpoint = new Uri("http://127.0.0.1:4567");
            o.KinesisRequestTimeout = TimeSpan.FromSeconds(7);
            o.KinesisMaxAttempts = 5;
        });

        var client = Assert.IsType<KinesisHttpClient>(provider.GetRequiredService<IKinesisClient>());

        Assert.Equal((TimeSpan.FromSeconds(7), 5), (client.RequestTimeout, client.MaxAttempts));
    }

    [Fact]
    public async Task TheDefaultLeaseStoreFactory_DisposesTheDynamoDbClientItCreated_WithTheContainer()
    {
        var provider = Build(o =>
        {
            o.Region = "eu-central-1";
            o.DynamoDbEndpoint = new Uri("http://127.0.0.1:9");
        });
        var store = Assert.IsType<DynamoDbLeaseStoreFactory>(provider.GetRequiredService<ILeaseStoreFactory>()).Create("app");

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListLeasesAsync());
    }

    [Fact]
    public void ABadEndpoint_FailsWhenTheHostBuildsTheClient_NamingTheProblem()
    {
        using var provider = Build(o =>
        {
            o.Region = "eu-central-1";
            o.KinesisEndpoint = new Uri("ftp://127.0.0.1/");
        });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IKinesisClient>());

        Assert.Contains("ftp://127.0.0.1/", error.Message, StringComparison.Ordinal);
        Assert.Contains("http:// or https://", error.Message, StringComparison.Ordinal);
    }
}
