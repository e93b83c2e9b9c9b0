using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// Generated processors with a context declared the ordinary way (no options): camelCase records fill the payload's
/// fields, the strict opt-in matches exactly, and an object with no known property goes through the failure policy.
/// </summary>
public sealed class GeneratedJsonNameMatchingTests : IDisposable
{
    private const string ShardId = "shardId-000000000003";

    private static readonly string s_handlers = $$"""
        {{TestSources.Usings}}
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace Names
        {
            public sealed record Order(string Id, decimal Amount);

            public sealed class Audit
            {
                public string? Kind { get; set; }
            }

            public static class Handlers
            {
                [KinesisHandler("orders", ApplicationName = "record", JsonSerializerContext = typeof(PlainJsonContext))]
                public static void Record(Order order, HandlerLog log) => log.Add(Entry(order.Id + ":" + order.Amount));

                [KinesisHandler("orders", ApplicationName = "class", JsonSerializerContext = typeof(PlainJsonContext))]
                public static void Class(Audit audit, HandlerLog log) => log.Add(Entry(audit.Kind ?? "<null>"));

                [KinesisHandler("orders", ApplicationName = "nullable", JsonSerializerContext = typeof(PlainJsonContext))]
                public static void Nullable(Order? order, HandlerLog log) => log.Add(Entry(order?.Id ?? "<null>"));

                [KinesisHandler("orders", ApplicationName = "strict", JsonSerializerContext = typeof(PlainJsonContext), JsonPropertyNamesCaseSensitive = true)]
                public static void Strict(Order order, HandlerLog log) => log.Add(Entry(order.Id));

                [KinesisHandler("orders", ApplicationName = "strict-reflection", JsonPropertyNamesCaseSensitive = true)]
                public static void StrictReflection(Order order, HandlerLog log) => log.Add(Entry(order.Id));

                [KinesisHandler("orders", ApplicationName = "skip", JsonSerializerContext = typeof(PlainJsonContext), DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog)]
                public static void Skip(Order order, HandlerLog log) => log.Add(Entry(order.Id));

                [KinesisHandler("orders", ApplicationName = "dead-letter", JsonSerializerContext = typeof(PlainJsonContext), DeserializationFailurePolicy = DeserializationFailurePolicy.FailureHandler)]
                public static void DeadLetter(Order order, HandlerLog log) => log.Add(Entry(order.Id));

                private static HandledRecord Entry(string payload) => new("", payload, "", "", "", "", 0, "", false);
            }

            /// <summary>
            /// Stands in for an STJ source-generated context declared without options (general defaults, so
            /// case-sensitive by itself); like the generated code, it resolves metadata for options other than its own.
            /// </summary>
            public sealed class PlainJsonContext : global::System.Text.Json.Serialization.JsonSerializerContext, global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver
            {
                private static readonly global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver s_resolver = new();

                public PlainJsonContext()
                    : base(new global::System.Text.Json.JsonSerializerOptions())
                {
                }

                public static PlainJsonContext Default { get; } = new();

                protected override global::System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

                public override global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(global::System.Type type) =>
                    s_resolver.GetTypeInfo(type, Options);

                global::System.Text.Json.Serialization.Metadata.JsonTypeInfo? global::System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver.GetTypeInfo(global::System.Type type, global::System.Text.Json.JsonSerializerOptions options) =>
                    s_resolver.GetTypeInfo(type, options);
            }
        }
        """;

    private static readonly Lazy<LoadedAssembly> s_loaded = new(() => LoadedAssembly.Load(GeneratorHarness.Run(s_handlers, nameof(GeneratedJsonNameMatchingTests)).OutputCompilation));

    private readonly HandlerLog _log = new();
    private readonly List<DeserializationFailure> _failures = [];
    private readonly ServiceProvider _provider;
    private readonly FakeCheckpointer _checkpointer = new(ShardId);

    public GeneratedJsonNameMatchingTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_log);
        services.AddSingleton<IDeserializationFailureHandler>(new RecordingFailureHandler(_failures));
        s_loaded.Value.AddKinesisHandlers(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public void Dispose() => _provider.Dispose();

    [Fact]
    public async Task OrdinaryContext_FillsPositionalRecordsFromCamelCaseAndPascalCase()
    {
        await RunAsync("Names.Handlers.Record", Raw("1", """{"id":"o-1","amount":2.5}"""), Raw("2", """{"Id":"o-2","Amount":3}"""));

        Assert.Equal(["o-1:2.5", "o-2:3"], _log.Records.Select(r => r.Payload));
    }

    [Fact]
    public async Task OrdinaryContext_FillsClassesFromCamelCase()
    {
        await RunAsync("Names.Handlers.Class", Raw("1", """{"kind":"login"}"""));

        Assert.Equal(["login"], _log.Records.Select(r => r.Payload));
    }

    [Fact]
    public async Task NullablePayload_TakesJsonNullAndCamelCase()
    {
        await RunAsync("Names.Handlers.Nullable", Raw("1", "null"), Raw("2", """{"id":"o-2","amount":1}"""));

        Assert.Equal(["<null>", "o-2"], _log.Records.Select(r => r.Payload));
    }

    [Theory]
    [InlineData("Names.Handlers.Strict", """{"Id":"o-1","Amount":1}""", """{"id":"o-2","amount":1}""")]
    [InlineData("Names.Handlers.StrictReflection", """{"id":"o-1","amount":1}""", """{"Id":"o-2","Amount":1}""")]
    public async Task StrictOptIn_IsCaseSensitive_AndItsSettingIsDeclared(string handler, string exact, string otherCase)
    {
        var descriptor = Assert.Single(_provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handler);
        Assert.True(descriptor.Settings.JsonPropertyNamesCaseSensitive);

        await RunAsync(handler, Raw("1", exact));
        var exception = await Assert.ThrowsAsync<RecordDeserializationException>(() => RunAsync(handler, Raw("2", otherCase)));

        Assert.Equal(["o-1"], _log.Records.Select(r => r.Payload));
        Assert.Contains("case-sensitively", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnmatchedObject_StopsTheShardByDefault_NamingTheProperties()
    {
        var exception = await Assert.ThrowsAsync<RecordDeserializationException>(() =>
            RunAsync("Names.Handlers.Record", Raw("1", """{"id":"o-1","amount":1}"""), Raw("2", """{"order_id":"o-2","total":1}"""), Raw("3", """{"id":"o-3","amount":1}""")));

        Assert.Equal((new ExtendedSequenceNumber("2"), "Names.Order"), (exception.Position, exception.PayloadType.FullName));
        Assert.Contains("\"order_id\", \"total\"", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["o-1:1"], _log.Records.Select(r => r.Payload));
        Assert.Equal([new ExtendedSequenceNumber("1")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task AnUnmatchedObject_IsSkippedUnderSkipAndLog()
    {
        await RunAsync("Names.Handlers.Skip", Raw("1", """{"name":"x"}"""), Raw("2", """{"id":"o-2","amount":1}"""));

        Assert.Equal(["o-2"], _log.Records.Select(r => r.Payload));
        Assert.Equal([new ExtendedSequenceNumber("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task AnUnmatchedObject_GoesToTheFailureHandler()
    {
        await RunAsync("Names.Handlers.DeadLetter", Raw("1", """{"name":"x"}"""), Raw("2", """{"id":"o-2","amount":1}"""));

        Assert.Equal(["o-2"], _log.Records.Select(r => r.Payload));
        var failure = Assert.Single(_failures);
        Assert.Equal("1", failure.Context.SequenceNumber);
        Assert.Contains("\"name\"", failure.Exception.Message, StringComparison.Ordinal);
    }

    private async Task RunAsync(string handler, params KinesisClientRecord[] records)
    {
        var descriptor = Assert.Single(_provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handler);
        var processor = descriptor.CreateProcessor(_provider, descriptor.Settings);
        await processor.InitializeAsync(new InitializationInput(new ShardContext(descriptor.Settings.ApplicationName!, descriptor.Settings.StreamName, ShardId, "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput(records, 0, _checkpointer), CancellationToken.None);
    }

    private static KinesisClientRecord Raw(string sequenceNumber, string text) =>
        new(sequenceNumber, 0, "pk-" + sequenceNumber, Encoding.UTF8.GetBytes(text), DateTimeOffset.UnixEpoch);

    private sealed class RecordingFailureHandler(List<DeserializationFailure> failures) : IDeserializationFailureHandler
    {
        public ValueTask HandleAsync(DeserializationFailure failure, CancellationToken cancellationToken)
        {
            failures.Add(failure);
            return default;
        }
    }
}
