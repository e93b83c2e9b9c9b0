using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>
/// Compiles a set of files as one project would (nullable enabled, MSBuild properties visible to analyzers) and runs
/// every analyzer of the analyzer assembly on it, so checks added later (other ranges) are included without change.
/// </summary>
internal static class ProjectAnalysis
{
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> files, IEnumerable<MetadataReference>? extraReferences = null)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        return CSharpCompilation.Create(
            "KnownProject",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)),
            TestReferences.All.Concat(extraReferences ?? []),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The diagnostics of every KinesisAttrib analyzer, with <paramref name="buildProperties"/> such as <c>PublishAot=true</c>.</summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, IEnumerable<string> buildProperties)
    {
        var analyzers = typeof(Descriptors).Assembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var global = buildProperties
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => "build_property." + p[0], p => p[1], StringComparer.Ordinal);
        var options = new AnalyzerOptions([], new BuildProperties(global));
        return compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
    }

    private sealed class BuildProperties(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Options Empty { get; } = new([]);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
