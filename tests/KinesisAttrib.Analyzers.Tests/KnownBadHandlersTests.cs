using System.Reflection;
using System.Text.RegularExpressions;
using KinesisAttrib.Analyzers.Tests.TestSupport;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>
/// The known-bad handlers in <c>KnownBad/</c> (each file compiled with <c>Shared.cs</c> as one project that publishes
/// with Native AOT) produce exactly the diagnostics their <c>// expect: KAxxxx</c> markers name, on those lines, and
/// nothing else; and the sample produces none at all.
/// </summary>
public sealed partial class KnownBadHandlersTests
{
    private const string SharedFile = "Shared.cs";

    private static readonly string s_repositoryRoot = typeof(KnownBadHandlersTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string> KnownBadFiles => [.. ResourceFiles().Where(f => f != SharedFile)];

    [Theory]
    [MemberData(nameof(KnownBadFiles))]
    public async Task KnownBadFile_ReportsExactlyItsExpectedDiagnostics(string file)
    {
        var files = new[] { (SharedFile, Resource(SharedFile)), (file, Resource(file)) };
        var compilation = ProjectAnalysis.Compile(files);
        AssertNone(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await ProjectAnalysis.AnalyzeAsync(compilation, ["PublishAot=true"]);
        var actual = diagnostics
            .Where(d => d.Id.StartsWith("KA", StringComparison.Ordinal))
            .Select(d => $"{d.Location.GetLineSpan().Path}:{d.Location.GetLineSpan().StartLinePosition.Line + 1} {d.Id}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var expected = files.SelectMany(f => Markers(f.Item1, f.Item2)).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void KnownBadFiles_CoverEveryHandlerAndPayloadId()
    {
        var marked = ResourceFiles().SelectMany(f => Markers(f, Resource(f))).Select(m => m.Split(' ')[1]).ToHashSet(StringComparer.Ordinal);
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(id => id.StartsWith("KA1", StringComparison.Ordinal) || id.StartsWith("KA3", StringComparison.Ordinal));
        Assert.All(ids, id => Assert.Contains(id, marked));
    }

    [Fact]
    public async Task Sample_HasNoKinesisAttribDiagnostics()
    {
        var directory = Path.Combine(s_repositoryRoot, "samples", "OrderPipeline");
        var sources = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (p, System.IO.File.ReadAllText(p)))
            .Append(("GlobalUsings.g.cs", ImplicitUsings))
            .ToList();

        // The runtime's dependencies that the test has at hand; hosting and the in-memory stream are not needed to
        // judge the handlers, so the errors they leave are confined to the files that use them.
        var extensions = Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.Extensions.*.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = ProjectAnalysis.Compile(sources, extensions);

        // CS0534 and CS7036: the partial JsonSerializerContext's abstract members and constructor, which the
        // System.Text.Json generator (not run here) completes.
        var handlerFiles = new[] { "OrderHandlers.cs", "Order.cs" };
        AssertNone(compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is not ("CS0534" or "CS7036") && handlerFiles.Contains(Path.GetFileName(d.Location.SourceTree?.FilePath))));

        // Not vacuous: the analyzer had both of the sample's handlers to look at.
        var attribute = compilation.GetTypeByMetadataName("KinesisAttrib.Handlers.KinesisHandlerAttribute");
        var handlers = compilation.SyntaxTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
                .Select(m => compilation.GetSemanticModel(t).GetDeclaredSymbol(m)))
            .Count(m => m!.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)));
        Assert.Equal(2, handlers);

        var diagnostics = await ProjectAnalysis.AnalyzeAsync(compilation, ["PublishAot=true"]);
        AssertNone(diagnostics.Where(d => d.Id.StartsWith("KA", StringComparison.Ordinal)));
    }

    private static void AssertNone(IEnumerable<Diagnostic> diagnostics)
    {
        var all = diagnostics.ToList();
        Assert.True(all.Count == 0, string.Join("\n", all));
    }

    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static IEnumerable<string> Markers(string path, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = MarkerPattern().Match(lines[i]);
            if (match.Success)
            {
                foreach (var id in match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return $"{path}:{i + 1} {id}";
                }
            }
        }
    }

    private static IEnumerable<string> ResourceFiles() =>
        typeof(KnownBadHandlersTests).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("KnownBad.", StringComparison.Ordinal))
            .Select(n => n["KnownBad.".Length..]);

    private static string Resource(string file)
    {
        using var stream = typeof(KnownBadHandlersTests).Assembly.GetManifestResourceStream("KnownBad." + file)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"// expect: (KA\d{4}(?:\s*,\s*KA\d{4})*)")]
    private static partial Regex MarkerPattern();
}
