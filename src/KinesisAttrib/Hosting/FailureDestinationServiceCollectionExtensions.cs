using Amazon.DynamoDBv2;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Registers on-failure destinations (<see cref="IFailedRecordDestination"/>). Without <c>name</c> a destination is the
/// default, used by every handler that names none; with a name it is a keyed service a handler selects with
/// <c>[KinesisHandler(…, FailureDestination = "name")]</c> (or <c>KinesisAttrib:Applications:{app}:FailureDestination</c>).
/// </summary>
public static class FailureDestinationServiceCollectionExtensions
{
    /// <summary>Registers a destination made by <paramref name="factory"/> (a singleton).</summary>
    public static IServiceCollection AddKinesisFailureDestination(this IServiceCollection services, Func<IServiceProvider, IFailedRecordDestination> factory, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        if (name is null)
        {
            services.AddSingleton(factory);
        }
        else
        {
            services.AddKeyedSingleton(name, (sp, _) => factory(sp));
        }

        return services;
    }

    /// <summary>
    /// Sends failed records to the Kinesis stream <paramref name="streamName"/> (which must exist) as JSON envelopes
    /// (<see cref="FailedRecordEnvelope"/>), through the registered <see cref="IKinesisClient"/>.
    /// </summary>
    public static IServiceCollection AddKinesisStreamFailureDestination(this IServiceCollection services, string streamName, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        return services.AddKinesisFailureDestination(sp => new KinesisStreamFailedRecordDestination(sp.GetRequiredService<IKinesisClient>(), streamName), name);
    }

    /// <summary>
    /// Sends failed records to the DynamoDB table <paramref name="tableName"/> (created on first use if missing), one
    /// item per record with an idempotent conditional put. Uses the registered <see cref="IAmazonDynamoDB"/>, or a client
    /// built from <see cref="KinesisAttribOptions"/> (region, <c>DynamoDbEndpoint</c>, credentials) like the lease tables'.
    /// </summary>
    public static IServiceCollection AddDynamoDbFailureDestination(this IServiceCollection services, string tableName, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return services.AddKinesisFailureDestination(
            sp =>
            {
                var client = sp.GetService<IAmazonDynamoDB>() ?? sp.GetRequiredService<OwnedDynamoDbClient>().Client;
                return new DynamoDbFailedRecordDestination(client, tableName, createTableIfMissing: true);
            },
            name).AddOwnedDynamoDbClient();
    }

    private static IServiceCollection AddOwnedDynamoDbClient(this IServiceCollection services)
    {
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(
            services,
            sp => new OwnedDynamoDbClient(AwsClients.CreateDynamoDbClient(sp.GetRequiredService<IOptions<KinesisAttribOptions>>().Value)));
        return services;
    }

    // The container disposes this holder, and with it the client it built, on shutdown.
    private sealed class OwnedDynamoDbClient(IAmazonDynamoDB client) : IDisposable
    {
        public IAmazonDynamoDB Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}
