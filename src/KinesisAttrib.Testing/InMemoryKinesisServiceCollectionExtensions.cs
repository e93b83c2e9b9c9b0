using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KinesisAttrib.Testing;

/// <summary>Runs the KinesisAttrib runtime on an in-memory stream and lease table instead of Kinesis and DynamoDB.</summary>
public static class InMemoryKinesisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="kinesis"/> as the <see cref="IKinesisClient"/> and <paramref name="leases"/> (a new one by
    /// default) as the lease tables, replacing any registered before. No AWS endpoint, region or credentials are needed.
    /// </summary>
    public static IServiceCollection AddKinesisAttribInMemory(this IServiceCollection services, InMemoryKinesisClient kinesis, InMemoryLeaseStoreFactory? leases = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(kinesis);
        services.Replace(ServiceDescriptor.Singleton<IKinesisClient>(kinesis));
        services.Replace(ServiceDescriptor.Singleton<ILeaseStoreFactory>(leases ?? new InMemoryLeaseStoreFactory()));
        return services;
    }
}
