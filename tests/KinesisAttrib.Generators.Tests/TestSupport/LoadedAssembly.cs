using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>
/// An output compilation emitted and loaded into a collectible load context. Its references (the runtime, DI, this
/// test assembly) resolve from the default context, so types such as <c>KinesisHandlerDescriptor</c> are shared.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private LoadedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    public static LoadedAssembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        stream.Position = 0;

        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        return new LoadedAssembly(context, context.LoadFromStream(stream));
    }

    public Type GetType(string name) => Assembly.GetType(name, throwOnError: true)!;

    /// <summary>Calls the generated <c>AddKinesisHandlers</c> on <paramref name="services"/>.</summary>
    public void AddKinesisHandlers(IServiceCollection services)
        => GetType("Microsoft.Extensions.DependencyInjection.KinesisAttribGeneratedRegistrations").GetMethod("AddKinesisHandlers")!.Invoke(null, [services]);

    public void Dispose() => _context.Unload();
}
