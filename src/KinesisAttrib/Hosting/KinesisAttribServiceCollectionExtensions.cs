using KinesisAttrib.Leases;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.Hosting;

/// <summary>Registers the KinesisAttrib runtime in a service collection.</summary>
public static class KinesisAttribServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime as a hosted service, with the Kinesis client and DynamoDB lease tables configured from
    /// <see cref="KinesisAttribOptions"/> unless an <see cref="Kinesis.IKinesisClient"/> or
    /// <see cref="ILeaseStoreFactory"/> is registered. Handlers come from the generated <c>AddKinesisHandlers()</c>
    /// or <see cref="AddKinesisHandler"/>.
    /// </summary>
    public static IServiceCollection AddKinesisAttrib(this IServiceCollection services, Action<KinesisAttribOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<KinesisAttribOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton<KinesisAttribRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KinesisAttribRuntimeHostedService>());
        AwsClients.AddDefaults(services);
        return services;
    }

    /// <summary>
    /// Adds the runtime like <see cref="AddKinesisAttrib(IServiceCollection, Action{KinesisAttribOptions}?)"/>, with the
    /// options bound from section <c>KinesisAttrib</c> of <paramref name="configuration"/> (see
    /// <see cref="KinesisAttribConfiguration"/>); <paramref name="configure"/> runs after the binding, so code wins.
    /// Unknown keys and unparsable values fail the start of the host, naming the key.
    /// </summary>
    public static IServiceCollection AddKinesisAttrib(this IServiceCollection services, IConfiguration configuration, Action<KinesisAttribOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(KinesisAttribConfiguration.SectionName);
        services.AddOptions<KinesisAttribOptions>().Configure(options => KinesisAttribConfiguration.Bind(section, options));
        return services.AddKinesisAttrib(configure);
    }

    /// <summary>Registers one handler (the generated code calls this once per <c>[KinesisHandler]</c>).</summary>
    public static IServiceCollection AddKinesisHandler(this IServiceCollection services, KinesisHandlerDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(descriptor);
        services.AddSingleton(descriptor);
        return services;
    }

    // The runtime is registered once as a singleton (so applications can inspect it) and hosted through this wrapper.
    private sealed class KinesisAttribRuntimeHostedService(KinesisAttribRuntime runtime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
    }
}
