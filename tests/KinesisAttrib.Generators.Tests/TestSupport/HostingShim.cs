using KinesisAttrib.Hosting;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>
/// TEMPORARY, test-only: generated registrations call
/// <c>KinesisAttrib.Hosting.KinesisAttribServiceCollectionExtensions.AddKinesisHandler</c>, which the runtime does not
/// have yet on this branch. Until it does, this source text is added to every in-memory test compilation (never compiled
/// into the test assembly). It switches itself off as soon as the runtime ships the real type, and can then be deleted.
/// </summary>
internal static class HostingShim
{
    public const string TypeName = "KinesisAttrib.Hosting.KinesisAttribServiceCollectionExtensions";

    public const string Source = """
        namespace KinesisAttrib.Hosting
        {
            internal static class KinesisAttribServiceCollectionExtensions
            {
                public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection AddKinesisHandler(
                    this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services,
                    global::KinesisAttrib.Hosting.KinesisHandlerDescriptor descriptor)
                {
                    global::Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, descriptor);
                    return services;
                }
            }
        }
        """;

    /// <summary>True while the runtime lacks the real extension class.</summary>
    public static bool IsNeeded => typeof(KinesisHandlerDescriptor).Assembly.GetType(TypeName) is null;
}
