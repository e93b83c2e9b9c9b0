using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>
/// Every descriptor is documented, tracked for release and linked to its page, and some analyzer supports it. Descriptors
/// are found by reflection over every type of the analyzer assembly, so a new id (in any range, from any analyzer) is
/// covered without touching this test.
/// </summary>
public sealed class DescriptorCatalogTests
{
    private static readonly string s_repositoryRoot = typeof(DescriptorCatalogTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string> DescriptorIds => [.. AllDescriptors().Select(d => d.Id)];

    [Fact]
    public void Catalog_IsNotEmpty_AndIdsAreUnique()
    {
        var ids = AllDescriptors().Select(d => d.Id).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_HasADocsPage(string id)
    {
        var page = Path.Combine(s_repositoryRoot, "docs", "diagnostics", id + ".md");
        Assert.True(System.IO.File.Exists(page), $"{id} has no page at {page}");
        Assert.StartsWith("# " + id, System.IO.File.ReadAllText(page), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_HasAReleaseTrackingRow(string id)
    {
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(file => System.IO.File.ReadAllLines(Path.Combine(s_repositoryRoot, "analyzers", "KinesisAttrib.Analyzers", file)))
            .Where(line => line.Split('|')[0].Trim() == id)
            .ToList();
        Assert.True(rows.Count > 0, $"{id} has no row in AnalyzerReleases.Shipped.md or AnalyzerReleases.Unshipped.md");

        var descriptor = AllDescriptors().Single(d => d.Id == id);
        var cells = rows[^1].Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_LinksToItsPage_AndHasADescription(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Analyzers_SupportEveryDescriptor_EachExactlyOnce()
    {
        var analyzers = AnalyzerAssembly.GetTypes()
            .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();
        Assert.NotEmpty(analyzers);
        var supported = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), supported);
    }

    [Fact]
    public void DocsPages_AndReleaseRows_HaveADescriptor()
    {
        // The other direction: no page or row for an id that no longer exists (or was mistyped).
        var ids = AllDescriptors().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var pages = Directory.GetFiles(Path.Combine(s_repositoryRoot, "docs", "diagnostics"), "KA*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.All(pages, page => Assert.Contains(page!, ids));

        var rows = System.IO.File.ReadAllLines(Path.Combine(s_repositoryRoot, "analyzers", "KinesisAttrib.Analyzers", "AnalyzerReleases.Unshipped.md"))
            .Select(line => line.Split('|')[0].Trim())
            .Where(cell => cell.StartsWith("KA", StringComparison.Ordinal));
        Assert.All(rows, row => Assert.Contains(row, ids));
    }

    [Fact]
    public void Readme_LinksEveryDescriptorToItsPage()
    {
        var readme = System.IO.File.ReadAllText(Path.Combine(s_repositoryRoot, "README.md"));
        Assert.All(AllDescriptors(), d => Assert.Contains($"[{d.Id}](docs/diagnostics/{d.Id}.md)", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void DiagnosticIds_AreAllUsedByADescriptor()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), ids);
    }

    private static Assembly AnalyzerAssembly => typeof(Descriptors).Assembly;

    /// <summary>Every static <see cref="DiagnosticDescriptor"/> field or property of any type in the analyzer assembly (each instance once).</summary>
    private static IEnumerable<DiagnosticDescriptor> AllDescriptors()
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return AnalyzerAssembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetFields(flags).Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => f.GetValue(null))
                .Concat(t.GetProperties(flags).Where(p => p.PropertyType == typeof(DiagnosticDescriptor) && p.GetIndexParameters().Length == 0).Select(p => p.GetValue(null))))
            .OfType<DiagnosticDescriptor>()
            .Distinct<DiagnosticDescriptor>(ReferenceEqualityComparer.Instance);
    }
}
