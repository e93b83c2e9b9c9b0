using System.Reflection;
using System.Text.RegularExpressions;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Tests.Architecture;

/// <summary>
/// The log events form one catalogue: each area's events in one class, in a block of ids of its own, every id used once,
/// and docs/logging.md lists each (id, level, message) exactly as the code logs it.
/// </summary>
public sealed partial class LogCatalogueTests
{
    private static readonly List<(Type Area, LoggerMessageAttribute Event)> s_events = [.. typeof(KinesisClientRecord).Assembly
        .GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Select(method => (Area: type, Event: method.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(e => e.Event is not null))];

    private static readonly string s_docs = Path.Combine(
        typeof(LogCatalogueTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "docs", "logging.md");

    [Fact]
    public void EveryEvent_IsInTheDiagnosticsCatalogue()
    {
        Assert.NotEmpty(s_events);
        Assert.All(s_events, e => Assert.Equal("KinesisAttrib.Diagnostics", e.Area.Namespace));
    }

    [Fact]
    public void EventIds_AreUnique_AndEachAreaHasABlockOfItsOwn()
    {
        var ids = s_events.Select(e => e.Event.EventId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var blocks = s_events.GroupBy(e => e.Area).ToDictionary(g => g.Key, g => g.Select(e => e.Event.EventId / 100).Distinct().ToList());
        Assert.All(blocks, b => Assert.True(b.Value.Count == 1, $"{b.Key.Name} logs events in blocks {string.Join(", ", b.Value.Select(k => k * 100))}; one block of 100 ids per area"));
        Assert.Equal(blocks.Count, blocks.Values.Select(b => b[0]).Distinct().Count());
        Assert.DoesNotContain(blocks.Values, b => b[0] == 0);
    }

    [Fact]
    public void TheDocs_ListEveryEventAsLogged()
    {
        var documented = File.ReadAllLines(s_docs)
            .Where(line => EventRow().IsMatch(line))
            .ToList();
        var expected = s_events
            .OrderBy(e => e.Event.EventId)
            .Select(e => $"| {e.Event.EventId} | {e.Event.Level} | {e.Event.Message.Replace("|", "\\|", StringComparison.Ordinal)} |")
            .ToList();
        Assert.True(expected.SequenceEqual(documented), "docs/logging.md's rows should be, in this order:\n" + string.Join('\n', expected));
    }

    // A row of an event table: its first cell is an event id alone.
    [GeneratedRegex(@"^\| \d+ \|")]
    private static partial Regex EventRow();
}
