using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// The hosted counterpart of <see cref="SchedulerArrangement"/>: a host whose runtime runs its schedulers over an
/// in-memory stream and lease tables, polling fast enough for a test.
/// </summary>
internal static class RuntimeHost
{
    /// <summary>A builder with <paramref name="kinesis"/>, <paramref name="leases"/> and fast polling; <paramref name="configure"/> adds to the options.</summary>
    public static HostApplicationBuilder CreateBuilder(InMemoryKinesisClient kinesis, InMemoryLeaseStoreFactory leases, Action<KinesisAttribOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton<IKinesisClient>(kinesis);
        builder.Services.AddSingleton<ILeaseStoreFactory>(leases);
        builder.Services.AddKinesisAttrib(o =>
        {
            o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(20);
            o.LeaseTakerInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });
        return builder;
    }
}
