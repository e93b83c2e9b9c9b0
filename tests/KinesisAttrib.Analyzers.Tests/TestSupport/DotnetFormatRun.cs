using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>
/// What <c>dotnet format analyzers --diagnostics ID</c> does with a fixer (its SolutionCodeFixApplier): skip a fixer
/// whose fix-all lacks Solution scope; ask the fixer for an action on the FIRST diagnostic of the id, whatever it is,
/// and take its equivalence key (null when it offered none); run fix-all in Solution scope over all the diagnostics
/// with that key. Every fixer of the id is applied in turn to the diagnostics found before the first one ran.
/// </summary>
internal static class DotnetFormatRun
{
    /// <summary>Runs the fixers of <paramref name="diagnosticId"/> as dotnet format does; returns each file's text after.</summary>
    public static async Task<string[]> RunAsync(DiagnosticAnalyzer analyzer, string diagnosticId, IReadOnlyList<CodeFixProvider> fixers, params string[] sources)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Sample", "Sample", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(TestReferences.All));
        var documentIds = new List<DocumentId>();
        for (var i = 0; i < sources.Length; i++)
        {
            var id = DocumentId.CreateNewId(projectId);
            documentIds.Add(id);
            solution = solution.AddDocument(id, $"Handlers{i}.cs", SourceText.From(sources[i]), filePath: $"/src/Handlers{i}.cs");
        }

        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id == diagnosticId)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        Assert.NotEmpty(diagnostics);

        foreach (var fixer in fixers)
        {
            var fixAll = fixer.GetFixAllProvider();
            if (fixAll?.GetSupportedFixAllScopes().Contains(FixAllScope.Solution) != true)
            {
                continue;
            }

            var first = diagnostics[0];
            var document = solution.GetDocument(first.Location.SourceTree)!;
            CodeAction? action = null;
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => action ??= a, CancellationToken.None));
            var context = new FixAllContext(document, fixer, FixAllScope.Solution, action?.EquivalenceKey!, [diagnosticId], new Diagnostics(diagnostics), CancellationToken.None);
            if (await fixAll.GetFixAsync(context) is not { } fix)
            {
                continue;
            }

            var operations = await fix.GetOperationsAsync(CancellationToken.None);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }

        var texts = new string[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            texts[i] = (await solution.GetDocument(documentIds[i])!.GetTextAsync()).ToString();
        }

        return texts;
    }

    private sealed class Diagnostics(ImmutableArray<Diagnostic> all) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(all);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult(all.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(all);
    }
}
