using System.Collections.Immutable;
using KinesisAttrib.Analyzers;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Processing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// The compile-time checks of the failure policy (KA1011, and the generator skipping the handler) reject exactly the
/// values <see cref="HandlerSettings.Validate"/> rejects at start: a value the analyzer accepts is generated and passes
/// the runtime check, a value it reports fails it.
/// </summary>
public sealed class FailurePolicyValidationConsistencyTests
{
    [Theory]
    [InlineData("MaxRetryAttempts", int.MinValue)]
    [InlineData("MaxRetryAttempts", -2)]
    [InlineData("MaxRetryAttempts", -1)]
    [InlineData("MaxRetryAttempts", 0)]
    [InlineData("MaxRetryAttempts", int.MaxValue)]
    [InlineData("MaxRecordAgeSeconds", int.MinValue)]
    [InlineData("MaxRecordAgeSeconds", -1)]
    [InlineData("MaxRecordAgeSeconds", 0)]
    [InlineData("MaxRecordAgeSeconds", int.MaxValue)]
    [InlineData("RetryDelayMilliseconds", -1)]
    [InlineData("RetryDelayMilliseconds", 0)]
    [InlineData("RetryDelayMilliseconds", int.MaxValue)]
    [InlineData("MaxRetryDelayMilliseconds", -1)]
    [InlineData("MaxRetryDelayMilliseconds", 0)]
    [InlineData("MaxRetryDelayMilliseconds", int.MaxValue)]
    public async Task AnalyzerAndGenerator_RejectExactlyWhatHandlerSettingsValidateRejects(string property, int value)
    {
        var compilation = GeneratorHarness.CreateCompilation($$"""
            {{TestSources.Usings}}

            namespace Sample;

            public sealed record Order(string Id);

            public sealed class Handlers
            {
                [KinesisHandler("s", {{property}} = {{value}})] public void M(Order order) { }
            }
            """);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new KinesisHandlerAnalyzer())).GetAnalyzerDiagnosticsAsync();
        var reported = diagnostics.Where(d => d.Id == DiagnosticIds.AttributeValueOutOfRange).ToList();
        Assert.DoesNotContain(diagnostics, d => d.Id != DiagnosticIds.AttributeValueOutOfRange && d.Severity == DiagnosticSeverity.Error);
        var generated = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().GeneratedTrees.Length > 0;

        // The attribute values as the emitter maps them onto HandlerSettings.
        var settings = property switch
        {
            "MaxRetryAttempts" => new HandlerSettings { MaxRetryAttempts = value },
            "MaxRecordAgeSeconds" => new HandlerSettings { MaxRecordAge = TimeSpan.FromSeconds(value) },
            "RetryDelayMilliseconds" => new HandlerSettings { RetryDelay = TimeSpan.FromMilliseconds(value) },
            "MaxRetryDelayMilliseconds" => new HandlerSettings { MaxRetryDelay = TimeSpan.FromMilliseconds(value) },
            _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
        };
        var runtimeError = Record.Exception(settings.Validate);

        Assert.True(
            (reported.Count > 0) == (runtimeError is not null),
            $"{property} = {value}: analyzer reported [{string.Join("; ", reported.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))}], runtime: {runtimeError?.Message ?? "accepted"}");
        Assert.Equal(reported.Count == 0, generated);
        if (runtimeError is not null)
        {
            Assert.IsType<ArgumentException>(runtimeError);
            Assert.Contains(property.Replace("Seconds", "", StringComparison.Ordinal).Replace("Milliseconds", "", StringComparison.Ordinal), runtimeError.Message, StringComparison.Ordinal);
            Assert.Contains(property, Assert.Single(reported).GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
    }
}
