namespace KinesisAttrib.Analyzers.Tests.TestSupport;

/// <summary>Sources shared by the analyzer tests.</summary>
internal static class TestSources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using KinesisAttrib.Handlers;
        using KinesisAttrib.Processing;
        """;

    /// <summary>Stands in for a System.Text.Json source-generated context (the STJ generator does not run in these tests).</summary>
    public const string OrderJsonContext = """
        [global::System.Text.Json.Serialization.JsonSerializable(typeof(Order))]
        public sealed class OrderJsonContext : global::System.Text.Json.Serialization.JsonSerializerContext
        {
            public OrderJsonContext() : base(null) { }

            protected override global::System.Text.Json.JsonSerializerOptions GeneratedSerializerOptions => null;

            public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo GetTypeInfo(global::System.Type type) => null;
        }
        """;

    /// <summary>A file with the usings, the <c>Order</c> payload type and <paramref name="members"/>, in namespace Sample.</summary>
    public static string File(string members) => $$"""
        {{Usings}}

        namespace Sample;

        public sealed record Order(string Id);

        {{members}}
        """;

    /// <summary><paramref name="members"/> inside <c>public class Handlers</c>.</summary>
    public static string InHandlers(string members) => File($$"""
        public class Handlers
        {
            {{members}}
        }
        """);
}
