using System.Reflection;
using System.Text.RegularExpressions;

namespace KinesisAttrib.Tests.Architecture;

/// <summary>
/// The runtime's folders depend on each other one way (docs/design/structure.md): a file may name another folder's
/// namespace (a using, a qualified name or a cref) only when that folder is below its own.
/// </summary>
public sealed partial class FolderDependencyTests
{
    // Each folder and the folders it may use. Common and Diagnostics may be used by all.
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        ["Common"] = [],
        ["Diagnostics"] = ["Common"],
        ["Kinesis"] = ["Common", "Diagnostics"],
        ["Handlers"] = ["Common", "Diagnostics"],
        ["Processing"] = ["Common", "Diagnostics", "Handlers"],
        ["Retrieval"] = ["Common", "Diagnostics", "Handlers", "Processing", "Kinesis"],
        ["Leases"] = ["Common", "Diagnostics", "Handlers", "Processing"],
        ["Shards"] = ["Common", "Diagnostics", "Handlers", "Processing", "Kinesis", "Retrieval", "Leases"],
        ["Hosting"] = ["Common", "Diagnostics", "Handlers", "Processing", "Kinesis", "Retrieval", "Leases", "Shards"],
    };

    private static readonly string s_runtimeSource = Path.Combine(
        typeof(FolderDependencyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "src", "KinesisAttrib");

    public static TheoryData<string> Folders => [.. s_allowed.Keys];

    [Fact]
    public void EveryRuntimeFolder_HasARule()
    {
        var folders = Directory.GetDirectories(s_runtimeSource)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj" or "build" or "Properties"))
            .ToList();
        Assert.NotEmpty(folders);
        Assert.All(folders, folder => Assert.True(s_allowed.ContainsKey(folder!), $"src/KinesisAttrib/{folder} has no rule in FolderDependencyTests; add it and to docs/design/structure.md"));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_UsesOnlyTheFoldersBelowIt(string folder)
    {
        var directory = Path.Combine(s_runtimeSource, folder);
        if (!Directory.Exists(directory))
        {
            return;
        }

        var others = s_allowed.Keys.Where(other => other != folder).ToHashSet(StringComparer.Ordinal);
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in Reference().Matches(lines[i]))
                {
                    var used = match.Groups["folder"].Value;
                    if (others.Contains(used) && !s_allowed[folder].Contains(used))
                    {
                        violations.Add($"{Path.GetRelativePath(s_runtimeSource, file)}:{i + 1} uses {used}: {lines[i].Trim()}");
                    }
                }
            }
        }

        Assert.True(violations.Count == 0, $"{folder} may use only {string.Join(", ", s_allowed[folder])}:\n{string.Join('\n', violations)}");
    }

    [Fact]
    public void TheCheck_FindsEachKindOfReference()
    {
        Assert.Equal(["Hosting", "Leases", "Shards", "Processing"], Reference().Matches("using KinesisAttrib.Hosting; x = Leases.Lease.X; /// <see cref=\"Shards.Scheduler\"/> global::KinesisAttrib.Processing.A")
            .Select(m => m.Groups["folder"].Value));
        Assert.Empty(Reference().Matches("the leases. The hosting of shards"));
    }

    // A using or a qualified name (KinesisAttrib.X.…, or X.Type inside the KinesisAttrib namespace).
    [GeneratedRegex(@"\bKinesisAttrib\.(?<folder>[A-Z]\w*)\b|(?<![\w.])(?<folder>Common|Diagnostics|Kinesis|Handlers|Processing|Retrieval|Leases|Shards|Hosting)\.[A-Z]")]
    private static partial Regex Reference();
}
