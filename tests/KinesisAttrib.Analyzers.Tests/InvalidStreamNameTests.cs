using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA1002: stream names must be 1–128 characters of [a-zA-Z0-9_.-]; reported on the attribute argument.</summary>
public sealed class InvalidStreamNameTests
{
    private const string Handler = " public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;";

    [Theory]
    [InlineData("\"\"", "''", "it is empty")]
    [InlineData("\"my orders\"", "'my orders'", "it contains U+0020; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed")]
    [InlineData("\"orders/eu\"", "'orders/eu'", "it contains '/'; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed")]
    [InlineData("\"ordérs\"", "'ordérs'", "it contains 'é'; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed")]
    [InlineData("null", "null", "it is null")]
    [InlineData("(string)null", "null", "it is null")]
    public Task InvalidStreamName_IsReportedOnTheArgument(string argument, string shown, string reason) => VerifyAsync(
        InHandlers($"[KinesisHandler({{|#0:{argument}|}})]" + Handler),
        Diagnostic(Descriptors.InvalidStreamName).WithLocation(0).WithArguments(shown, reason));

    [Fact]
    public Task StreamNameLongerThan128Characters_IsReported()
    {
        var name = new string('a', 129);
        return VerifyAsync(
            InHandlers($"[KinesisHandler({{|#0:\"{name}\"|}})]" + Handler),
            Diagnostic(Descriptors.InvalidStreamName).WithLocation(0).WithArguments($"'{name}'", "it has 129 characters, more than 128"));
    }

    [Fact]
    public Task StreamNameFromAConstant_IsReportedOnTheConstantReference() => VerifyAsync(
        File("""
            public static class Streams { public const string Orders = "orders!"; }

            public sealed class Handlers
            {
                [KinesisHandler({|#0:Streams.Orders|}, ApplicationName = "a")]
                public Task M(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;
            }
            """),
        Diagnostic(Descriptors.InvalidStreamName).WithLocation(0).WithArguments("'orders!'", "it contains '!'; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed"));

    [Fact]
    public Task NamedConstructorArgument_IsReportedOnTheArgument() => VerifyAsync(
        InHandlers("[KinesisHandler(streamName: {|#0:\"a b\"|}, ApplicationName = \"a\")]" + Handler),
        Diagnostic(Descriptors.InvalidStreamName).WithLocation(0).WithArguments("'a b'", "it contains U+0020; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed"));

    [Fact]
    public Task InvalidStreamNameOnAnUnsupportedHandler_ReportsBoth() => VerifyAsync(
        InHandlers("[KinesisHandler({|#1:\"\"|})] private Task {|#0:M|}(Order order, RecordContext record, CancellationToken ct) => Task.CompletedTask;"),
        Diagnostic(Descriptors.InvalidStreamName).WithLocation(1).WithArguments("''", "it is empty"),
        Diagnostic(Descriptors.InaccessibleHandler).WithLocation(0).WithArguments(
            "Sample.Handlers.M", "it is private, so the generated code cannot call it; make it internal or public"));

    [Theory]
    [InlineData("o")]
    [InlineData("orders")]
    [InlineData("Orders-EU_2.v1")]
    [InlineData("0123456789")]
    public Task ValidStreamName_IsNotReported(string name) => VerifyAsync(
        InHandlers($"[KinesisHandler(\"{name}\")]" + Handler));

    [Fact]
    public Task StreamNameOfExactly128Characters_IsNotReported() => VerifyAsync(
        InHandlers($"[KinesisHandler(\"{new string('Z', 128)}\")]" + Handler));
}
