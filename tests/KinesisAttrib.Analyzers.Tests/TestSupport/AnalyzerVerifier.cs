using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> (and a code fix on its diagnostics) with Microsoft.CodeAnalysis.Testing, offline
/// (<see cref="TestReferences"/>). Sources are named Handlers0.cs, Handlers1.cs…; expected diagnostics are exactly those reported.
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync([source], expected);

    public static Task VerifyAsync(string[] sources, params DiagnosticResult[] expected) => VerifyWithBuildPropertiesAsync(sources, [], expected);

    /// <summary>In a project whose MSBuild properties (as <c>CompilerVisibleProperty</c> passes them) are <paramref name="buildProperties"/>, e.g. <c>PublishAot=true</c>.</summary>
    public static Task VerifyWithBuildPropertiesAsync(string[] sources, string[] buildProperties, params DiagnosticResult[] expected)
    {
        var test = Prepare(new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>(), sources, expected);
        if (buildProperties.Length > 0)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", TestReferences.GlobalConfig(buildProperties)));
        }

        return test.RunAsync();
    }

    /// <summary>Applies <typeparamref name="TFix"/> to every diagnostic; <paramref name="expected"/> are those before the fix.</summary>
    public static Task VerifyFixAsync<TFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() =>
        VerifyFixAsync<TFix>([source], expected, [fixedSource]);

    public static Task VerifyFixAsync<TFix>(string[] sources, string[] fixedSources, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() =>
        VerifyFixAsync<TFix>(sources, expected, fixedSources);

    /// <summary>As above; <paramref name="remaining"/> are the diagnostics still reported after the fix.</summary>
    public static Task VerifyFixAsync<TFix>(string source, DiagnosticResult[] expected, string fixedSource, DiagnosticResult[]? remaining = null)
        where TFix : CodeFixProvider, new() =>
        VerifyFixAsync<TFix>([source], expected, [fixedSource], remaining);

    private static Task VerifyFixAsync<TFix>(string[] sources, DiagnosticResult[] expected, string[] fixedSources, DiagnosticResult[]? remaining = null)
        where TFix : CodeFixProvider, new()
    {
        var test = Prepare(new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>(), sources, expected);

        // A fix that leaves out the Solution scope on purpose (see docs/design/analyzers.md) is checked in the others.
        if (new TFix().GetFixAllProvider()?.GetSupportedFixAllScopes().Contains(FixAllScope.Solution) != true)
        {
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInSolutionCheck;
        }

        for (var i = 0; i < fixedSources.Length; i++)
        {
            test.FixedState.Sources.Add(($"Handlers{i}.cs", fixedSources[i]));
        }

        test.FixedState.ExpectedDiagnostics.AddRange(remaining ?? []);
        return test.RunAsync();
    }

    private static TTest Prepare<TTest>(TTest test, string[] sources, DiagnosticResult[] expected)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"Handlers{i}.cs", sources[i]));
        }

        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectMetadataReferences(projectId, TestReferences.All));
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }
}
