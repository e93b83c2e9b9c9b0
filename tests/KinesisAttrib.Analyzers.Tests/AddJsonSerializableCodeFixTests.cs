using KinesisAttrib.CodeFixes;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.KinesisHandlerAnalyzer>;
using static KinesisAttrib.Analyzers.Tests.TestSupport.TestSources;

namespace KinesisAttrib.Analyzers.Tests;

/// <summary>KA3002's fix: the payload is added to the named context, in the context's own file, next to its other types.</summary>
public sealed class AddJsonSerializableCodeFixTests
{
    private const string ContextBody = """
        {
            public AppContext() : base(null) { }
            protected override JsonSerializerOptions GeneratedSerializerOptions => null;
            public override JsonTypeInfo GetTypeInfo(Type type) => null;
        }
        """;

    private const string ContextUsings = """
        using System;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;

        namespace Sample;

        """;

    [Fact]
    public Task MissingPayload_IsAddedAfterTheContextsOtherTypes_InItsFile() => VerifyFixAsync<AddJsonSerializableCodeFixProvider>(
        [
            File("""
                public sealed class Refund { public string Id { get; set; } }

                public sealed class Handlers
                {
                    [KinesisHandler("refunds", {|#0:JsonSerializerContext = typeof(AppContext)|})]
                    public void OnRefund(Refund refund) { }
                }
                """),
            ContextUsings + """
                /// <summary>The app's JSON.</summary>
                [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
                [JsonSerializable(typeof(Order))]
                public sealed class AppContext : JsonSerializerContext
                """
    + "\n" + ContextBody,
        ],
        [
            File("""
                public sealed class Refund { public string Id { get; set; } }

                public sealed class Handlers
                {
                    [KinesisHandler("refunds", JsonSerializerContext = typeof(AppContext))]
                    public void OnRefund(Refund refund) { }
                }
                """),
            ContextUsings + """
                /// <summary>The app's JSON.</summary>
                [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
                [JsonSerializable(typeof(Order))]
                [JsonSerializable(typeof(Refund))]
                public sealed class AppContext : JsonSerializerContext
                """
    + "\n" + ContextBody,
        ],
        Diagnostic(Descriptors.JsonContextLacksPayload).WithLocation(0).WithArguments("Sample.AppContext", "Sample.Refund", "Sample.Handlers.OnRefund"));

    [Fact]
    public Task ContextWithoutAttributes_GetsItsFirst_AndTheBatchElementTypeIsAdded() => VerifyFixAsync<AddJsonSerializableCodeFixProvider>(
        ContextUsings.Replace("namespace Sample;", "namespace Sample;\n\nusing KinesisAttrib.Handlers;", StringComparison.Ordinal) + """
            public sealed record Order(string Id);

            public sealed class AppContext : JsonSerializerContext
            """
    + "\n" + ContextBody + """


            public sealed class Handlers
            {
                [KinesisHandler("orders", {|#0:JsonSerializerContext = typeof(AppContext)|})]
                public void OnOrders(System.Collections.Generic.IReadOnlyList<Order> orders) { }
            }
            """,
        ContextUsings.Replace("namespace Sample;", "namespace Sample;\n\nusing KinesisAttrib.Handlers;", StringComparison.Ordinal) + """
            public sealed record Order(string Id);

            [JsonSerializable(typeof(Order))]
            public sealed class AppContext : JsonSerializerContext
            """
    + "\n" + ContextBody + """


            public sealed class Handlers
            {
                [KinesisHandler("orders", JsonSerializerContext = typeof(AppContext))]
                public void OnOrders(System.Collections.Generic.IReadOnlyList<Order> orders) { }
            }
            """,
        Diagnostic(Descriptors.JsonContextLacksPayload).WithLocation(0).WithArguments("Sample.AppContext", "Sample.Order", "Sample.Handlers.OnOrders"));

    [Fact]
    public void FixesOnlyKA3002() =>
        Assert.Equal([DiagnosticIds.JsonContextLacksPayload], new AddJsonSerializableCodeFixProvider().FixableDiagnosticIds.ToArray());
}
