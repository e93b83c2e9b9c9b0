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
    public static Task VerifyAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<KinesisHandlerAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };

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
}
