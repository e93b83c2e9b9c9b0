namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>Sources shared by several tests.</summary>
internal static class TestSources
{
    /// <summary>
    /// Stands in for a System.Text.Json source-generated context (the STJ generator does not run in these tests): it
    /// has the <c>Default</c> instance the generated code uses, and web defaults like the reflection-based fallback.
    /// </summary>
    public const string OrderJsonContext = """
        public sealed class OrderJsonContext : global::System.Text.Json.Serialization.JsonSerializerContext
        {
            private static readonly global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver s_resolver = new();

            public OrderJsonContext()
                : base(new global::System.Text.Json.JsonSerializerOptions(global::System.Text.Json.JsonSerializerDefaults.Web))
            {
            }

            public static OrderJsonContext Default { get; } = new();

            protected override global::System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

            public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(global::System.Type type) =>
                s_resolver.GetTypeInfo(type, Options);
        }
        """;

    public const string Usings = """
        using System.Threading;
        using System.Threading.Tasks;
        using KinesisAttrib.Handlers;
        """;
}
