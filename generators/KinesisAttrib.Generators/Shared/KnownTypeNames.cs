namespace KinesisAttrib.Shared;

/// <summary>
/// Names of the runtime and framework types compile-time code looks for or emits, shared as source by the generator,
/// the analyzers and the code fixes. Neither loads the runtime assembly: types are found by metadata name and written
/// back <c>global::</c>-qualified. The metadata names are pinned against KinesisAttrib.dll by RuntimeContractTests.
/// </summary>
internal static class KnownTypeNames
{
    // Metadata names, for ForAttributeWithMetadataName and Compilation.GetTypeByMetadataName.
    public const string KinesisHandlerAttribute = "KinesisAttrib.Handlers.KinesisHandlerAttribute";
    public const string KinesisHandlerDefaultsAttribute = "KinesisAttrib.Handlers.KinesisHandlerDefaultsAttribute";
    public const string InitialPositionMetadata = "KinesisAttrib.Handlers.InitialPosition";
    public const string CheckpointModeMetadata = "KinesisAttrib.Handlers.CheckpointMode";
    public const string RetrievalModeMetadata = "KinesisAttrib.Handlers.RetrievalMode";
    public const string PayloadFormatMetadata = "KinesisAttrib.Handlers.PayloadFormat";
    public const string DeserializationFailurePolicyMetadata = "KinesisAttrib.Handlers.DeserializationFailurePolicy";
    public const string RecordContextMetadata = "KinesisAttrib.Handlers.RecordContext";
    public const string BatchContextMetadata = "KinesisAttrib.Handlers.BatchContext";
    public const string KinesisRecordMetadata = "KinesisAttrib.Handlers.KinesisRecord`1";
    public const string BatchResultMetadata = "KinesisAttrib.Handlers.BatchResult";
    public const string CheckpointerMetadata = "KinesisAttrib.Handlers.IRecordProcessorCheckpointer";
    public const string PreparedCheckpointerMetadata = "KinesisAttrib.Handlers.IPreparedCheckpointer";
    public const string KinesisClientRecordMetadata = "KinesisAttrib.Handlers.KinesisClientRecord";
    public const string RecordDeserializerMetadata = "KinesisAttrib.Handlers.IRecordDeserializer`1";

    // Framework metadata names (not in the runtime assembly, so not pinned by it).
    public const string JsonSerializerContextMetadata = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string CancellationTokenMetadata = "System.Threading.CancellationToken";
    public const string TaskMetadata = "System.Threading.Tasks.Task";
    public const string TaskOfTMetadata = "System.Threading.Tasks.Task`1";
    public const string ValueTaskMetadata = "System.Threading.Tasks.ValueTask";
    public const string ValueTaskOfTMetadata = "System.Threading.Tasks.ValueTask`1";
    public const string ReadOnlyListMetadata = "System.Collections.Generic.IReadOnlyList`1";
    public const string ReadOnlyMemoryMetadata = "System.ReadOnlyMemory`1";
    public const string MemoryMetadata = "System.Memory`1";
    public const string IServiceProviderMetadata = "System.IServiceProvider";
    public const string ThreadPoolMetadata = "System.Threading.ThreadPool";
    public const string ThreadMetadata = "System.Threading.Thread";
    public const string TimerMetadata = "System.Threading.Timer";
    public const string JsonConverterAttributeMetadata = "System.Text.Json.Serialization.JsonConverterAttribute";
    public const string JsonConstructorAttributeMetadata = "System.Text.Json.Serialization.JsonConstructorAttribute";
    public const string JsonPolymorphicAttributeMetadata = "System.Text.Json.Serialization.JsonPolymorphicAttribute";
    public const string JsonDerivedTypeAttributeMetadata = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";
    public const string JsonSerializableAttributeMetadata = "System.Text.Json.Serialization.JsonSerializableAttribute";
    public const string JsonIgnoreAttributeMetadata = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    public const string JsonTypeInfoOfTMetadata = "System.Text.Json.Serialization.Metadata.JsonTypeInfo`1";

    // Fully qualified names, for emitted code.
    public const string RecordHandlerProcessor = "global::KinesisAttrib.Processing.RecordHandlerProcessor";
    public const string BatchHandlerProcessor = "global::KinesisAttrib.Processing.BatchHandlerProcessor";
    public const string HandlerSettings = "global::KinesisAttrib.Processing.HandlerSettings";
    public const string JsonRecordDeserializer = "global::KinesisAttrib.Processing.JsonRecordDeserializer";
    public const string RecordDeserializers = "global::KinesisAttrib.Processing.RecordDeserializers";
    public const string IRecordProcessorCheckpointer = "global::" + CheckpointerMetadata;
    public const string RecordContext = "global::" + RecordContextMetadata;
    public const string BatchContext = "global::" + BatchContextMetadata;
    public const string BatchResult = "global::" + BatchResultMetadata;
    public const string KinesisRecord = "global::KinesisAttrib.Handlers.KinesisRecord";
    public const string InitialPosition = "global::" + InitialPositionMetadata;
    public const string CheckpointMode = "global::" + CheckpointModeMetadata;
    public const string RetrievalMode = "global::" + RetrievalModeMetadata;
    public const string DeserializationFailurePolicy = "global::" + DeserializationFailurePolicyMetadata;
    public const string KinesisHandlerDescriptor = "global::KinesisAttrib.Hosting.KinesisHandlerDescriptor";
    public const string KinesisAttribServiceCollectionExtensions = "global::KinesisAttrib.Hosting.KinesisAttribServiceCollectionExtensions";
    public const string IServiceProvider = "global::System.IServiceProvider";
    public const string IServiceCollection = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
    public const string ServiceProviderServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string ServiceCollectionDescriptorExtensions = "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string IReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";
    public const string DateTimeOffset = "global::System.DateTimeOffset";
    public const string TimeSpan = "global::System.TimeSpan";
    public const string CultureInfo = "global::System.Globalization.CultureInfo";
    public const string DateTimeStyles = "global::System.Globalization.DateTimeStyles";
    public const string ArgumentNullException = "global::System.ArgumentNullException";
    public const string GeneratedCodeAttribute = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";

    // Where generated code lives.
    public const string GeneratedNamespace = "KinesisAttrib.Generated";
    public const string RegistrationNamespace = "Microsoft.Extensions.DependencyInjection";
    public const string RegistrationClass = "KinesisAttribGeneratedRegistrations";

    // The public registration: {AssemblyIdentifier}KinesisHandlerRegistration.AddKinesisHandlersFrom{AssemblyIdentifier}.
    public const string PublicRegistrationClassSuffix = "KinesisHandlerRegistration";
    public const string PublicRegistrationMethodPrefix = "AddKinesisHandlersFrom";

    // MSBuild property (CompilerVisibleProperty in build/KinesisAttrib.props) that names the public registration instead of the assembly name.
    public const string RegistrationNameProperty = "build_property.KinesisAttribRegistrationName";
    public const string RegistrationHintName = "KinesisAttribRegistrations.g.cs";

    /// <summary>The simple name of a non-generic metadata name, e.g. <c>CheckpointMode</c> (what a code fix writes when it is in scope).</summary>
    public static string SimpleName(string metadataName) => metadataName.Substring(metadataName.LastIndexOf('.') + 1);
}
