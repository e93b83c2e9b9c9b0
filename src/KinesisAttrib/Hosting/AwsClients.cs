using Amazon.DynamoDBv2;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Default registrations of the Kinesis client and the DynamoDB lease tables, built from
/// <see cref="KinesisAttribOptions"/>. Each is added only when the application has not registered its own.
/// </summary>
internal static class AwsClients
{
    public static void AddDefaults(IServiceCollection services)
    {
        services.TryAddSingleton<IKinesisClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KinesisAttribOptions>>().Value;

            // Resolved here, when the host builds the runtime, so a missing region or a bad endpoint stops start-up
            // with one clear message instead of failing every shard's first read.
            var (region, endpoint) = KinesisEndpointResolver.Resolve(options.KinesisEndpoint, options.Region);
            return new KinesisHttpClient(new KinesisClientOptions
            {
                ServiceUrl = endpoint,
                Region = region,
                Credentials = options.Credentials,
                Timeout = options.KinesisRequestTimeout,
                MaxAttempts = options.KinesisMaxAttempts,
            });
        });

        services.TryAddSingleton<ILeaseStoreFactory>(sp =>
        {
            var client = CreateDynamoDbClient(sp.GetRequiredService<IOptions<KinesisAttribOptions>>().Value);

            // The factory owns this client: the container disposes the factory, and with it the client, on shutdown.
            return new DynamoDbLeaseStoreFactory(client, sp.GetService<ILoggerFactory>(), ownsClient: true);
        });
    }

    /// <summary>A DynamoDB client for the options' region, endpoint and credentials; the caller owns it.</summary>
    public static AmazonDynamoDBClient CreateDynamoDbClient(KinesisAttribOptions options)
    {
        var config = new AmazonDynamoDBConfig();

        // The same region as Kinesis (configuration, environment, profile; never instance metadata), so the lease
        // table lives where the stream is and a missing region is the same clear start-up error.
        var (region, _) = KinesisEndpointResolver.Resolve(options.KinesisEndpoint, options.Region);
        if (options.DynamoDbEndpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        return options.Credentials is { } credentials
            ? new AmazonDynamoDBClient(credentials, config)
            : new AmazonDynamoDBClient(config);
    }
}
