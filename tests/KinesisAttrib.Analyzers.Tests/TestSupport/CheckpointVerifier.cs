using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using KinesisAttrib.Analyzers.Checkpointing;
using KinesisAttrib.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>Runs <see cref="CheckpointAnalyzer"/> (and its code fixes) offline, like <see cref="AnalyzerVerifier"/>.</summary>
internal static class CheckpointVerifier
{
    private static readonly ImmutableArray<MetadataReference> s_references =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(KinesisHandlerAttribute).Assembly.Location),
    ];

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>Analyzes <paramref name="source"/> and expects exactly <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<CheckpointAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            TestCode = source,
        };
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectMetadataReferences(projectId, s_references));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Applies <typeparamref name="TFix"/> to <paramref name="source"/> and expects <paramref name="fixedSource"/>.</summary>
    public static Task VerifyFixAsync<TFix>(string source, DiagnosticResult[] expected, string fixedSource, DiagnosticResult[]? remaining = null)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<CheckpointAnalyzer, TFix, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            TestCode = source,
            FixedCode = fixedSource,
        };
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectMetadataReferences(projectId, s_references));
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(remaining ?? []);
        return test.RunAsync();
    }
}
