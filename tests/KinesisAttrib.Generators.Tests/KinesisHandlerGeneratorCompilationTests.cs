using KinesisAttrib.Generators.Tests.TestSupport;

namespace KinesisAttrib.Generators.Tests;

/// <summary>Properties of the output beyond its exact text: determinism and robustness against user names.</summary>
public sealed class KinesisHandlerGeneratorCompilationTests
{
    private static readonly string s_first = $$"""
        {{TestSources.Usings}}

        namespace Zeta;

        public sealed record Tick(int Value);

        public sealed class TickHandlers
        {
            [KinesisHandler("ticks")]
            public Task OnTick(Tick tick, RecordContext record, CancellationToken ct) => Task.CompletedTask;
        }
        """;

    private static readonly string s_second = $$"""
        {{TestSources.Usings}}

        namespace Alpha;

        public sealed record Tock(int Value);

        public sealed class TockHandlers
        {
            [KinesisHandler("tocks")]
            public Task OnTock(Tock tock, RecordContext record, CancellationToken ct) => Task.CompletedTask;

            [KinesisHandler("tocks", ApplicationName = "other")]
            public Task OnTock(Zeta.Tick tick, RecordContext record, CancellationToken ct) => Task.CompletedTask;
        }
        """;

    [Fact]
    public void Generator_OutputDoesNotDependOnTheOrderOfSourceFiles()
    {
        var forward = GeneratorHarness.Run([s_first, s_second]);
        var backward = GeneratorHarness.Run([s_second, s_first]);

        Assert.Equal(
            forward.Sources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal),
            backward.Sources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal));
        var registrations = forward.Source("KinesisAttribRegistrations.g.cs");
        Assert.True(
            registrations.IndexOf("Alpha_TockHandlers_OnTock_KinesisProcessor", StringComparison.Ordinal) < registrations.IndexOf("Zeta_TickHandlers_OnTick_KinesisProcessor", StringComparison.Ordinal),
            "Descriptors are registered in ordinal order.");
    }

    [Fact]
    public void Generator_GivesOverloadedHandlersDistinctProcessors()
    {
        var output = GeneratorHarness.Run([s_first, s_second]);

        Assert.Equal(
            ["Alpha_TockHandlers_OnTock_KinesisProcessor.g.cs", "Alpha_TockHandlers_OnTock_KinesisProcessor_2.g.cs", "KinesisAttribRegistrations.g.cs", "Zeta_TickHandlers_OnTick_KinesisProcessor.g.cs"],
            output.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generator_OutputCompilesWhenUserNamesShadowFrameworkNames()
    {
        // Types and namespaces named like the ones generated code uses: everything it writes is global::-qualified.
        GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace KinesisAttrib.Generated.Microsoft.Extensions.DependencyInjection
            {
                public sealed class ServiceProviderServiceExtensions { }
            }

            namespace Sample.System
            {
                public sealed class IServiceProvider { }

                public sealed class ValueTask { }
            }

            namespace Sample.KinesisAttrib.Processing
            {
                public sealed class RecordHandlerProcessor<T> { }
            }

            namespace Sample
            {
                public sealed record @class(string @string);

                public sealed class Handlers
                {
                    [KinesisHandler("weird \\ \"names\"\n\u2028</c> & <")]
                    public Task @return(@class payload, RecordContext record, CancellationToken ct) => Task.CompletedTask;
                }
            }
            """);
    }

    [Fact]
    public void Generator_SkipsFileLocalHandlerTypes()
    {
        var output = GeneratorHarness.Run($$"""
            {{TestSources.Usings}}

            namespace Sample;

            public sealed record Order(string Id);

            file sealed class Handlers
            {
                [KinesisHandler("s")]
                public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """);

        Assert.Empty(output.Sources);
    }
}
