using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Basic.Reference.Assemblies;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorOutput(Compilation OutputCompilation, GeneratorDriver Driver, GeneratorRunResult Result)
{
    public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

    public string Source(string hintName) => Sources.Single(s => s.HintName == hintName).SourceText.ToString();
}

/// <summary>Compiles test sources offline (reference assemblies + the runtime) and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> s_references =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(ServiceCollection).Assembly.Location),
        // Lets test handlers report what they received through a type the test itself can read.
        MetadataReference.CreateFromFile(typeof(HandlerLog).Assembly.Location),
    ];

    public static CSharpCompilation CreateCompilation(string source, [CallerMemberName] string assemblyName = "") =>
        CreateCompilation([source], assemblyName);

    public static CSharpCompilation CreateCompilation(IReadOnlyList<string> sources, [CallerMemberName] string assemblyName = "")
        => CreateCompilation(sources, assemblyName, []);

    /// <summary>A compilation that also references <paramref name="references"/> (another generated assembly, say).</summary>
    public static CSharpCompilation CreateCompilation(IReadOnlyList<string> sources, string assemblyName, IEnumerable<MetadataReference> references)
    {
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Handlers{i}.cs")).ToList();
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            [.. s_references, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new KinesisHandlerGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and asserts that neither the input nor the output compilation has warnings or errors.</summary>
    public static GeneratorOutput Run(string source, [CallerMemberName] string assemblyName = "") => Run([source], assemblyName);

    /// <inheritdoc cref="Run(string, string)"/>
    public static GeneratorOutput Run(IReadOnlyList<string> sources, [CallerMemberName] string assemblyName = "")
        => Run(CreateCompilation(sources, assemblyName));

    /// <summary>Runs the generator over a prepared compilation, asserting as <see cref="Run(string, string)"/> does.</summary>
    public static GeneratorOutput Run(CSharpCompilation compilation)
    {
        AssertClean(compilation.GetDiagnostics(), "input");

        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        AssertClean(generatorDiagnostics, "generator");
        AssertClean(output.GetDiagnostics(), "output");

        var result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        return new GeneratorOutput(output, driver, result);
    }

    private static void AssertClean(IEnumerable<Diagnostic> diagnostics, string what)
    {
        var problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, $"The {what} compilation has diagnostics:\n{string.Join("\n", problems)}");
    }
}
