using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>Runs a code fix of KinesisAttrib.CodeFixes on the analyzer's diagnostics, offline like <see cref="AnalyzerVerifier"/>.</summary>
internal static class CodeFixVerifier<TCodeFix>
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>
    /// Applies the fix to every diagnostic in <paramref name="sources"/> (file names Handlers0.cs…) and expects
    /// <paramref name="fixedSources"/>; <paramref name="expected"/> are the diagnostics before the fix.
    /// </summary>
    public static Task VerifyAsync(string[] sources, string[] fixedSources, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<KinesisHandlerAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };

        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"Handlers{i}.cs", sources[i]));
        }

        for (var i = 0; i < fixedSources.Length; i++)
        {
            test.FixedState.Sources.Add(($"Handlers{i}.cs", fixedSources[i]));
        }

        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectMetadataReferences(projectId, AnalyzerVerifier.References));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task VerifyAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
        VerifyAsync([source], [fixedSource], expected);
}
