using System.Text.RegularExpressions;
using KinesisAttrib.Analyzers.Checkpointing;
using KinesisAttrib.Analyzers.Tests.TestSupport;
using KinesisAttrib.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>
/// The code fixes as <c>dotnet format analyzers --diagnostics ...</c> runs them (issue 19): fix-all in Solution scope,
/// from whichever diagnostic comes first, every fixer of the id in turn. See <see cref="DotnetFormatRun"/>.
/// </summary>
public sealed class DotnetFormatFixAllTests
{
    private const string Context = """
        public sealed record A(int X);
        public sealed record B(int Y);

        [global::System.Text.Json.Serialization.JsonSerializable(typeof(string))]
        public sealed class Ctx : global::System.Text.Json.Serialization.JsonSerializerContext
        {
            public Ctx() : base(null) { }

            protected override global::System.Text.Json.JsonSerializerOptions GeneratedSerializerOptions => null;

            public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo GetTypeInfo(global::System.Type type) => null;
        }
        """;

    [Fact]
    public async Task KA3002_FixAll_AddsEachMissingTypeOnce_HoweverManyHandlersNeedIt()
    {
        var handlers = File("""
            public static class JsonHandlers
            {
                [KinesisHandler("s", ApplicationName = "a1", JsonSerializerContext = typeof(Ctx))]
                public static void OnA(A a) { }

                [KinesisHandler("s", ApplicationName = "a2", JsonSerializerContext = typeof(Ctx))]
                public static void OnAgain(A a) { }

                [KinesisHandler("s", ApplicationName = "a3", JsonSerializerContext = typeof(Ctx))]
                public static void OnB(B b) { }
            }
            """);

        var fixedSources = await DotnetFormatRun.RunAsync(new KinesisHandlerAnalyzer(), DiagnosticIds.JsonContextLacksPayload, [new AddJsonSerializableCodeFixProvider()], handlers, File(Context));

        Assert.Equal(handlers, fixedSources[0]);
        Assert.Single(Regex.Matches(fixedSources[1], @"JsonSerializable\(typeof\((global::)?(Sample\.)?A\)\)"));
        Assert.Single(Regex.Matches(fixedSources[1], @"JsonSerializable\(typeof\((global::)?(Sample\.)?B\)\)"));
    }

    [Fact]
    public async Task KA2004_ACallInASynchronousMethodFirst_DoesNotStopTheOthersFromBeingAwaited()
    {
        var source = CheckpointSources.Members("""
                [KinesisHandler("s", ApplicationName = "b1", CheckpointMode = CheckpointMode.Manual)]
                public static void Sync(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    _ = checkpointer.CheckpointAsync(ct);
                }

                [KinesisHandler("s", ApplicationName = "b2", CheckpointMode = CheckpointMode.Manual)]
                public static async Task First(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    await SaveAsync(order, ct);
                    _ = checkpointer.CheckpointAsync(ct);
                }

                [KinesisHandler("s", ApplicationName = "b3", CheckpointMode = CheckpointMode.Manual)]
                public static async Task Second(Order order, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    await SaveAsync(order, ct);
                    checkpointer.CheckpointAsync(ct);
                }
            """);

        var result = (await DotnetFormatRun.RunAsync(new CheckpointAnalyzer(), DiagnosticIds.CheckpointNotAwaited, [new AwaitCheckpointCodeFixProvider()], source))[0];

        // The synchronous method keeps its call (and its diagnostic); both async ones are awaited: "_ = x" and "x" became "await x".
        Assert.Single(Regex.Matches(result, @"_ = checkpointer\.CheckpointAsync\(ct\);"));
        Assert.Equal(source.Length + 2 + 6, result.Length);
        Assert.Equal(2, Regex.Count(result, @"await checkpointer\.CheckpointAsync\(ct\);"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KA2001_KA2002_AddTheCheckpoint_AndKeepTheManualMode_WhicheverFixerRunsFirst(bool afterBatchFixerFirst)
    {
        var source = CheckpointSources.Members("""
                [KinesisHandler("s", ApplicationName = "c0", CheckpointMode = CheckpointMode.Manual)]
                public static void SyncMissing(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer)
                {
                    Log(checkpointer.ShardId);
                }

                [KinesisHandler("s", ApplicationName = "c1", CheckpointMode = CheckpointMode.Manual)]
                public static async Task Missing(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    Log(checkpointer.ShardId);
                    await SaveAsync(orders, ct);
                }

                [KinesisHandler("s", ApplicationName = "c2", CheckpointMode = CheckpointMode.Manual)]
                public static async Task AlsoMissing(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    Log(checkpointer.ShardId);
                    await SaveAsync(orders, ct);
                }
            """);
        CodeFixProvider[] fixers = afterBatchFixerFirst
            ? [new UseAfterBatchCheckpointingCodeFixProvider(), new AddCheckpointAtEndCodeFixProvider()]
            : [new AddCheckpointAtEndCodeFixProvider(), new UseAfterBatchCheckpointingCodeFixProvider()];

        var result = (await DotnetFormatRun.RunAsync(new CheckpointAnalyzer(), DiagnosticIds.ManualCheckpointMissing, fixers, source))[0];

        Assert.True(Regex.Count(result, "CheckpointMode = CheckpointMode.Manual") == 3, result);
        Assert.True(Regex.Count(result, @"await SaveAsync\(orders, ct\);\n\n\s*await checkpointer\.CheckpointAsync\(ct\);") == 2, result);

        var withoutCheckpointer = CheckpointSources.Members("""
                [KinesisHandler("s", ApplicationName = "d1", CheckpointMode = CheckpointMode.Manual)]
                public static async Task NoCheckpointer(IReadOnlyList<Order> orders, CancellationToken ct)
                {
                    await SaveAsync(orders, ct);
                }
            """);

        var added = (await DotnetFormatRun.RunAsync(new CheckpointAnalyzer(), DiagnosticIds.ManualWithoutCheckpointer, fixers, withoutCheckpointer))[0];

        Assert.Contains("CheckpointMode = CheckpointMode.Manual", added, StringComparison.Ordinal);
        Assert.Contains("NoCheckpointer(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)", added, StringComparison.Ordinal);
        Assert.Contains("await checkpointer.CheckpointAsync(ct);", added, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFixer_OffersFixAll_AndOnlyTheModeChangingOneLeavesOutSolutionScope()
    {
        var fixers = typeof(AddCheckpointAtEndCodeFixProvider).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();

        Assert.NotEmpty(fixers);
        foreach (var fixer in fixers)
        {
            var scopes = fixer.GetFixAllProvider()?.GetSupportedFixAllScopes() ?? [];
            Assert.Contains(FixAllScope.Document, scopes);
            Assert.Equal(fixer is not UseAfterBatchCheckpointingCodeFixProvider, scopes.Contains(FixAllScope.Solution));
        }
    }
}
