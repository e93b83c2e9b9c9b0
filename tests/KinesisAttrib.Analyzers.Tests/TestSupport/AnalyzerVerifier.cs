using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs <see cref="KinesisHandlerAnalyzer"/> with Microsoft.CodeAnalysis.Testing, offline: the reference-assembly
/// presets download packages, so the project's references are replaced by Basic.Reference.Assemblies and the runtime.
/// </summary>
internal static class AnalyzerVerifier
{
    private static readonly ImmutableArray<MetadataReference> s_references =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location),
    ];

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>Analyzes <paramref name="sources"/> (file names Handlers0.cs, Handlers1.cs…) and expects exactly <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(string[] sources, params DiagnosticResult[] expected) => VerifyWithBuildPropertiesAsync(sources, [], expected);

    /// <summary>
    /// As <see cref="VerifyAsync(string[], DiagnosticResult[])"/>, in a project whose MSBuild properties (as
    /// <c>CompilerVisibleProperty</c> passes them) are <paramref name="buildProperties"/>, e.g. <c>PublishAot=true</c>.
    /// </summary>
    public static Task VerifyWithBuildPropertiesAsync(string[] sources, string[] buildProperties, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<KinesisHandlerAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };

        if (buildProperties.Length > 0)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", GlobalConfig(buildProperties)));
        }

        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"Handlers{i}.cs", sources[i]));
        }

        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectMetadataReferences(projectId, s_references));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync([source], expected);

    /// <summary>The project references of these tests: .NET 10 reference assemblies and the KinesisAttrib runtime.</summary>
    public static ImmutableArray<MetadataReference> References => s_references;

    /// <summary>A global .editorconfig setting <c>build_property.Name = value</c> for each <c>Name=value</c>.</summary>
    public static string GlobalConfig(IEnumerable<string> buildProperties) =>
        "is_global = true\n" + string.Concat(buildProperties.Select(p => "build_property." + p.Replace("=", " = ", StringComparison.Ordinal) + "\n"));
}
