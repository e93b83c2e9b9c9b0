using System.Reflection;
using Microsoft.CodeAnalysis;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>Every descriptor is documented, tracked for release and linked to its page; the analyzer supports each one.</summary>
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
        // Every DiagnosticAnalyzer of the assembly (KinesisHandlerAnalyzer, CheckpointAnalyzer, ...), so a new analyzer
        // class cannot be forgotten here.
        var supported = typeof(KinesisHandlerAnalyzer).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => ((Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal);
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), supported);
    }

    [Fact]
    public void DiagnosticIds_AreAllUsedByADescriptor()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), ids);
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
}
