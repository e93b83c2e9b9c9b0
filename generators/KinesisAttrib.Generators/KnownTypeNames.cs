namespace KinesisAttrib.Generators;

/// <summary>
/// Names of the runtime and framework types the generator looks for or emits. The generator never loads the runtime
/// assembly: it finds types by metadata name and writes them back <c>global::</c>-qualified.
/// </summary>
internal static class KnownTypeNames
{
    // Metadata names, for ForAttributeWithMetadataName and Compilation.GetTypeByMetadataName.
    public const string KinesisHandlerAttribute = "KinesisAttrib.Handlers.KinesisHandlerAttribute";
    public const string RecordContextMetadata = "KinesisAttrib.Handlers.RecordContext";
    public const string CancellationTokenMetadata = "System.Threading.CancellationToken";
    public const string TaskMetadata = "System.Threading.Tasks.Task";
    public const string JsonSerializerContextMetadata = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string KinesisClientRecordMetadata = "KinesisAttrib.Processing.KinesisClientRecord";
    public const string ReadOnlyMemoryMetadata = "System.ReadOnlyMemory`1";
    public const string MemoryMetadata = "System.Memory`1";
    public const string ReadOnlyListMetadata = "System.Collections.Generic.IReadOnlyList`1";

    // Named arguments of [KinesisHandler].
    public const string ApplicationNameProperty = "ApplicationName";
    public const string InitialPositionProperty = "InitialPosition";
    public const string JsonSerializerContextProperty = "JsonSerializerContext";

    // Fully qualified names, for emitted code.
    public const string RecordHandlerProcessor = "global::KinesisAttrib.Processing.RecordHandlerProcessor";
    public const string JsonRecordDeserializer = "global::KinesisAttrib.Processing.JsonRecordDeserializer";
    public const string RecordContext = "global::KinesisAttrib.Handlers.RecordContext";
    public const string InitialPosition = "global::KinesisAttrib.Handlers.InitialPosition";
    public const string KinesisHandlerDescriptor = "global::KinesisAttrib.Hosting.KinesisHandlerDescriptor";
    public const string KinesisAttribServiceCollectionExtensions = "global::KinesisAttrib.Hosting.KinesisAttribServiceCollectionExtensions";
    public const string IServiceProvider = "global::System.IServiceProvider";
    public const string IServiceCollection = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
    public const string ServiceProviderServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string ServiceCollectionDescriptorExtensions = "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string ArgumentNullException = "global::System.ArgumentNullException";
    public const string GeneratedCodeAttribute = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";

    // Where generated code lives.
    public const string GeneratedNamespace = "KinesisAttrib.Generated";
    public const string RegistrationNamespace = "Microsoft.Extensions.DependencyInjection";
    public const string RegistrationClass = "KinesisAttribGeneratedRegistrations";
    public const string RegistrationHintName = "KinesisAttribRegistrations.g.cs";
}
