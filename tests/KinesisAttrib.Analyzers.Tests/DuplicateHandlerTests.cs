using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA1003: the runtime refuses two handlers of one (application, stream); the later one is reported.</summary>
public sealed class DuplicateHandlerTests
{
    private const string Parameters = "(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;";
    private const string DefaultApplication = "default (the configured KinesisAttribOptions.ApplicationName)";

    [Fact]
    public Task TwoHandlersWithoutApplicationName_OnOneStream_ReportTheSecond() => VerifyAsync(
        InHandlers($$"""
            [{|#1:KinesisHandler("orders")|}] public Task First{{Parameters}}
            [{|#0:KinesisHandler("orders")|}] public Task Second{{Parameters}}
            """),
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Handlers.Second", "orders", DefaultApplication, "Sample.Handlers.First"));

    [Fact]
    public Task TwoHandlersOfOneNamedApplication_OnOneStream_ReportTheSecond() => VerifyAsync(
        InHandlers($$"""
            [{|#1:KinesisHandler("orders", ApplicationName = "billing")|}] public Task First{{Parameters}}
            [KinesisHandler("orders", ApplicationName = "other")] public Task Other{{Parameters}}
            [{|#0:KinesisHandler("orders", ApplicationName = "billing")|}] public Task Second{{Parameters}}
            """),
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Handlers.Second", "orders", "'billing'", "Sample.Handlers.First"));

    [Fact]
    public Task ThreeHandlers_ReportTheSecondAndThird_AgainstTheFirst() => VerifyAsync(
        InHandlers($$"""
            [{|#2:KinesisHandler("orders")|}] public Task A{{Parameters}}
            [{|#0:KinesisHandler("orders")|}] public Task B{{Parameters}}
            [{|#1:KinesisHandler("orders")|}] public Task C{{Parameters}}
            """),
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(0).WithLocation(2).WithArguments("Sample.Handlers.B", "orders", DefaultApplication, "Sample.Handlers.A"),
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(1).WithLocation(2).WithArguments("Sample.Handlers.C", "orders", DefaultApplication, "Sample.Handlers.A"));

    [Fact]
    public Task DuplicatesAcrossFiles_ReportTheOneInTheLaterFile() => VerifyAsync(
        [
            File($$"""public sealed class Archive { [{|#1:KinesisHandler("orders", ApplicationName = "app")|}] public Task OnOrder{{Parameters}} }"""),
            $$"""
            {{Usings}}

            namespace Sample;

            public sealed class Totals { [{|#0:KinesisHandler("orders", ApplicationName = "app")|}] public Task OnOrder{{Parameters}} }
            """,
        ],
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Totals.OnOrder", "orders", "'app'", "Sample.Archive.OnOrder"));

    [Fact]
    public Task AssemblyDefaultApplication_ClashesWithTheSameNameSetOnAHandler() => VerifyAsync(
        $$"""
        {{Usings}}

        [assembly: KinesisHandlerDefaults(ApplicationName = "shop")]

        namespace Sample;

        public sealed record Order(string Id);

        public sealed class Handlers
        {
            [{|#1:KinesisHandler("orders")|}] public Task First{{Parameters}}
            [{|#0:KinesisHandler("orders", ApplicationName = "shop")|}] public Task Second{{Parameters}}
            [KinesisHandler("orders", ApplicationName = "other")] public Task Other{{Parameters}}
        }
        """,
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Handlers.Second", "orders", "'shop'", "Sample.Handlers.First"));

    [Fact]
    public Task DifferentApplicationsOrStreams_AreNotReported() => VerifyAsync(
        InHandlers($$"""
            [KinesisHandler("orders", ApplicationName = "archive")] public Task Archive{{Parameters}}
            [KinesisHandler("orders", ApplicationName = "totals")] public Task Totals{{Parameters}}
            [KinesisHandler("orders")] public Task Default{{Parameters}}
            [KinesisHandler("payments")] public Task Payments{{Parameters}}
            [KinesisHandler("Orders", ApplicationName = "archive")] public Task CaseDiffers{{Parameters}}
            """));

    /// <summary>
    /// Null means "the configured default application", which is not known at compile time; it is a value of its own
    /// that only clashes with other nulls, not with an application literally named "default".
    /// </summary>
    [Fact]
    public Task NullApplicationName_IsItsOwnValue() => VerifyAsync(
        InHandlers($$"""
            [{|#0:KinesisHandler("orders")|}] public Task Unnamed{{Parameters}}
            [KinesisHandler("orders", ApplicationName = "default")] public Task NamedDefault{{Parameters}}
            [{|#1:KinesisHandler("orders", ApplicationName = null)|}] public Task ExplicitNull{{Parameters}}
            """),
        Diagnostic(Descriptors.DuplicateHandler).WithLocation(1).WithLocation(0)
            .WithArguments("Sample.Handlers.ExplicitNull", "orders", DefaultApplication, "Sample.Handlers.Unnamed"));
}
