using System.Diagnostics.CodeAnalysis;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// The public, per-assembly registration: a test project references the app (no InternalsVisibleTo), declares handlers
/// of its own, and calls both registrations without an ambiguity.
/// </summary>
public sealed class KinesisHandlerGeneratorPublicRegistrationTests
{
    private static readonly string s_app = $$"""
        {{TestSources.Usings}}

        namespace Orders.Worker;

        public sealed record Order(string Id);

        internal sealed class OrderHandlers
        {
            [KinesisHandler("orders", ApplicationName = "billing")]
            public Task OnOrder(Order order, CancellationToken ct) => Task.CompletedTask;
        }
        """;

    private static readonly string s_tests = $$"""
        {{TestSources.Usings}}
        using Microsoft.Extensions.DependencyInjection;

        namespace Orders.Worker.Tests;

        public static class ProbeHandlers
        {
            [KinesisHandler("probes", ApplicationName = "probe")]
            public static void OnProbe(string text) { }
        }

        public static class Wiring
        {
            public static IServiceCollection Everything(IServiceCollection services)
            {
                services.AddKinesisHandlersFromOrdersWorker();      // the app's handlers, from another assembly
                services.AddKinesisHandlersFromOrdersWorkerTests(); // this assembly's, by its public name
                return services.AddKinesisHandlers();               // this assembly's, the short way: no CS0121
            }
        }
        """;

    [Theory]
    [InlineData("OrdersWorker", "OrdersWorker")]
    [InlineData("Orders.Worker", "OrdersWorker")]
    [InlineData("orders-worker.tests", "OrdersWorkerTests")]
    [InlineData("my_app", "My_app")]
    [InlineData("2fast", "_2fast")]
    [InlineData("", "Assembly")]
    [InlineData(null, "Assembly")]
    public void AssemblyIdentifier_IsAPascalCaseIdentifierOfTheAssemblyName(string? assemblyName, string expected)
        => Assert.Equal(expected, KinesisHandlerGenerator.Parser.AssemblyIdentifier(assemblyName));

    [Fact]
    public void Generator_PublicRegistration_IsUsableFromATestProjectWithHandlersOfItsOwn()
    {
        var app = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([s_app], "Orders.Worker", []));

        // The test project's own code calls methods the generator adds, so only the output compilation must be clean
        // (no CS0121 ambiguity, no CS0122 inaccessible member, no CS0436 type conflict).
        var tests = GeneratorHarness.CreateCompilation([s_tests], "Orders.Worker.Tests", [app.OutputCompilation.ToMetadataReference()]);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(tests, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        var registration = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("KinesisAttribRegistrations.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("public static class OrdersWorkerTestsKinesisHandlerRegistration", registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_PublicAndInternalRegistrations_RegisterTheSameHandlers()
    {
        var app = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([s_app], "Orders.Worker", []));
        using var loaded = LoadedAssembly.Load(app.OutputCompilation);

        var viaPublic = new ServiceCollection();
        loaded.GetType("Microsoft.Extensions.DependencyInjection.OrdersWorkerKinesisHandlerRegistration")
            .GetMethod("AddKinesisHandlersFromOrdersWorker")!.Invoke(null, [viaPublic]);
        var viaInternal = new ServiceCollection();
        loaded.AddKinesisHandlers(viaInternal);

        var descriptor = Assert.Single(viaPublic.Select(s => s.ImplementationInstance).OfType<KinesisHandlerDescriptor>());
        Assert.Equal(("orders", "billing"), (descriptor.Settings.StreamName, descriptor.Settings.ApplicationName));
        Assert.Equal(
            viaPublic.Select(s => (s.ServiceType, s.Lifetime, s.ImplementationType)),
            viaInternal.Select(s => (s.ServiceType, s.Lifetime, s.ImplementationType)));
        Assert.Contains(viaPublic, s => s.ServiceType.Name == "OrderHandlers" && s.Lifetime == ServiceLifetime.Scoped);
    }

    [Fact]
    public void Generator_NamesThePublicRegistrationAfterTheMsBuildProperty_WhenTheProjectSetsIt()
    {
        var compilation = GeneratorHarness.CreateCompilation([s_app], "my-worker.2", []);
        var driver = CSharpGeneratorDriver.Create(
            [new KinesisHandlerGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new BuildProperties(new Dictionary<string, string> { ["build_property.KinesisAttribRegistrationName"] = "App" }));

        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var registration = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("KinesisAttribRegistrations.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("public static class AppKinesisHandlerRegistration", registration, StringComparison.Ordinal);
        Assert.Contains("AddKinesisHandlersFromApp(this", registration, StringComparison.Ordinal);
    }

    private sealed class BuildProperties(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options([]);

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
