using System.Reflection;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Shared;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// Pins what the generator, analyzers and code fixes know of the runtime (<c>KnownTypeNames</c> and
/// <c>RuntimeContract</c> in the shared source) against KinesisAttrib.dll itself: a renamed type or property, a
/// renumbered enum or a changed default fails here instead of drifting.
/// </summary>
public sealed class RuntimeContractTests
{
    private static readonly Assembly s_runtime = typeof(KinesisHandlerAttribute).Assembly;

    public static TheoryData<string, string> TypeNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in typeof(KnownTypeNames).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            var value = (string)field.GetRawConstantValue()!;
            if (value.StartsWith("global::", StringComparison.Ordinal) || field.Name.EndsWith("Metadata", StringComparison.Ordinal) || field.Name.EndsWith("Attribute", StringComparison.Ordinal))
            {
                data.Add(field.Name, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void KnownTypeName_ResolvesToAType(string constant, string name)
    {
        var metadataName = name.StartsWith("global::", StringComparison.Ordinal) ? name["global::".Length..] : name;
        var type = Resolve(metadataName) ?? Resolve(metadataName + "`1");
        Assert.True(type is not null, $"KnownTypeNames.{constant} = \"{name}\" names no type of the runtime or the framework");
        if (metadataName.StartsWith("KinesisAttrib.", StringComparison.Ordinal))
        {
            Assert.Same(s_runtime, type!.Assembly);
        }
    }

    [Fact]
    public void EveryContractProperty_IsOnTheAttributes_WithItsType()
    {
        foreach (var property in RuntimeContract.Properties)
        {
            AssertProperty(typeof(KinesisHandlerAttribute), property.Name, property.TypeMetadataName);
            if (property.OnDefaults)
            {
                AssertProperty(typeof(KinesisHandlerDefaultsAttribute), property.Name, property.TypeMetadataName);
            }
            else
            {
                Assert.Null(typeof(KinesisHandlerDefaultsAttribute).GetProperty(property.Name));
            }
        }
    }

    [Fact]
    public void EverySettableAttributeProperty_IsInTheContract()
    {
        // A property the contract does not know is one the generator refuses (KA1001): add it to the contract first.
        var known = RuntimeContract.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var type in new[] { typeof(KinesisHandlerAttribute), typeof(KinesisHandlerDefaultsAttribute) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                Assert.True(known.Contains(property.Name), $"{type.Name}.{property.Name} is not in RuntimeContract.Properties");
            }
        }
    }

    [Fact]
    public void EveryPropertyNameConstant_IsInTheContractList()
    {
        var listed = RuntimeContract.Properties.Select(p => p.Name).ToList();
        var constants = typeof(RuntimeContract).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Property", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(constants.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EnumValues_AreTheRuntimeEnumValues()
    {
        Assert.Equal((int)InitialPosition.TrimHorizon, RuntimeContract.InitialPositionTrimHorizon);
        Assert.Equal((int)InitialPosition.Latest, RuntimeContract.InitialPositionLatest);
        Assert.Equal((int)InitialPosition.AtTimestamp, RuntimeContract.InitialPositionAtTimestamp);
        Assert.Equal((int)CheckpointMode.AfterEachBatch, RuntimeContract.CheckpointAfterEachBatch);
        Assert.Equal((int)CheckpointMode.Manual, RuntimeContract.CheckpointManual);
        Assert.Equal((int)CheckpointMode.Periodic, RuntimeContract.CheckpointPeriodic);
        Assert.Equal((int)DeserializationFailurePolicy.StopShard, RuntimeContract.FailurePolicyStopShard);
        Assert.Equal((int)DeserializationFailurePolicy.SkipAndLog, RuntimeContract.FailurePolicySkipAndLog);
        Assert.Equal((int)DeserializationFailurePolicy.FailureHandler, RuntimeContract.FailurePolicyFailureHandler);
        Assert.Equal((int)PayloadFormat.Auto, RuntimeContract.FormatAuto);
        Assert.Equal((int)PayloadFormat.Json, RuntimeContract.FormatJson);
        Assert.Equal((int)PayloadFormat.Text, RuntimeContract.FormatText);
        Assert.Equal((int)PayloadFormat.Bytes, RuntimeContract.FormatBytes);
        Assert.Equal((int)PayloadFormat.Record, RuntimeContract.FormatRecord);
    }

    [Fact]
    public void EnumNames_AreTheRuntimeMembers_IndexedByValue()
    {
        // The validation bounds (a value above the last one is "not defined") rely on the values being 0..n-1.
        AssertNames<InitialPosition>(RuntimeContract.InitialPositionNames, RuntimeContract.InitialPositionAtTimestamp);
        AssertNames<CheckpointMode>(RuntimeContract.CheckpointModeNames, RuntimeContract.CheckpointPeriodic);
        AssertNames<DeserializationFailurePolicy>(RuntimeContract.FailurePolicyNames, RuntimeContract.FailurePolicyFailureHandler);
        AssertNames<PayloadFormat>(RuntimeContract.PayloadFormatNames, RuntimeContract.FormatRecord);
    }

    [Fact]
    public void Defaults_AreTheAttributesDefaults()
    {
        var handler = new KinesisHandlerAttribute("s");
        var defaults = new KinesisHandlerDefaultsAttribute();
        Assert.Equal(RuntimeContract.DefaultPayloadFormat, (int)handler.PayloadFormat);
        Assert.Equal(RuntimeContract.DefaultJsonPropertyNamesCaseSensitive, handler.JsonPropertyNamesCaseSensitive);
        Assert.Equal(RuntimeContract.DefaultJsonPropertyNamesCaseSensitive, defaults.JsonPropertyNamesCaseSensitive);
        foreach (var (initialPosition, checkpointMode, everyRecords, intervalSeconds, policy, retries, ageSeconds, delay, maxDelay) in new[]
        {
            (handler.InitialPosition, handler.CheckpointMode, handler.CheckpointEveryRecords, handler.CheckpointIntervalSeconds, handler.DeserializationFailurePolicy,
                handler.MaxRetryAttempts, handler.MaxRecordAgeSeconds, handler.RetryDelayMilliseconds, handler.MaxRetryDelayMilliseconds),
            (defaults.InitialPosition, defaults.CheckpointMode, defaults.CheckpointEveryRecords, defaults.CheckpointIntervalSeconds, defaults.DeserializationFailurePolicy,
                defaults.MaxRetryAttempts, defaults.MaxRecordAgeSeconds, defaults.RetryDelayMilliseconds, defaults.MaxRetryDelayMilliseconds),
        })
        {
            Assert.Equal(RuntimeContract.DefaultInitialPosition, (int)initialPosition);
            Assert.Equal(RuntimeContract.DefaultCheckpointMode, (int)checkpointMode);
            Assert.Equal(RuntimeContract.DefaultCheckpointEveryRecords, everyRecords);
            Assert.Equal(RuntimeContract.DefaultCheckpointIntervalSeconds, intervalSeconds);
            Assert.Equal(RuntimeContract.DefaultFailurePolicy, (int)policy);
            Assert.Equal(RuntimeContract.DefaultMaxRetryAttempts, retries);
            Assert.Equal(RuntimeContract.DefaultMaxRecordAgeSeconds, ageSeconds);
            Assert.Equal(RuntimeContract.DefaultRetryDelayMilliseconds, delay);
            Assert.Equal(RuntimeContract.DefaultMaxRetryDelayMilliseconds, maxDelay);
        }
    }

    [Fact]
    public void Defaults_AreTheHandlerSettingsDefaults()
    {
        // Generated code leaves out what equals these, so the runtime's own defaults must be the same.
        var settings = new HandlerSettings();
        Assert.Equal(RuntimeContract.DefaultCheckpointMode, (int)settings.CheckpointMode);
        Assert.Equal(RuntimeContract.DefaultCheckpointEveryRecords, settings.CheckpointEveryRecords);
        Assert.Equal(TimeSpan.FromSeconds(RuntimeContract.DefaultCheckpointIntervalSeconds), settings.CheckpointInterval);
        Assert.Equal(RuntimeContract.DefaultFailurePolicy, (int)settings.DeserializationFailurePolicy);
        Assert.Equal(RuntimeContract.DefaultJsonPropertyNamesCaseSensitive, settings.JsonPropertyNamesCaseSensitive);
        Assert.Equal(RuntimeContract.DefaultMaxRetryAttempts, settings.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(RuntimeContract.DefaultMaxRecordAgeSeconds), settings.MaxRecordAge);
        Assert.Equal(TimeSpan.FromMilliseconds(RuntimeContract.DefaultRetryDelayMilliseconds), settings.RetryDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(RuntimeContract.DefaultMaxRetryDelayMilliseconds), settings.MaxRetryDelay);
    }

    [Fact]
    public void CheckpointMembers_AreOnTheRuntimeTypes()
    {
        Assert.Contains(typeof(IRecordProcessorCheckpointer).GetMethods(), m => m.Name == RuntimeContract.CheckpointAsyncMethod);
        Assert.Contains(typeof(IRecordProcessorCheckpointer).GetMethods(), m => m.Name == RuntimeContract.PrepareCheckpointAsyncMethod);
        Assert.Contains(typeof(IPreparedCheckpointer).GetMethods(), m => m.Name == RuntimeContract.CheckpointAsyncMethod);
        Assert.Contains(typeof(BatchResult).GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name == RuntimeContract.FailedAtMethod);
    }

    private static void AssertProperty(Type attribute, string name, string typeMetadataName)
    {
        var property = attribute.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        Assert.True(property is { CanWrite: true }, $"{attribute.Name} has no settable property {name}");
        Assert.Equal(typeMetadataName, property!.PropertyType.FullName);
    }

    private static void AssertNames<TEnum>(IEnumerable<string> names, int lastValue)
        where TEnum : struct, Enum
    {
        var members = Enum.GetValues<TEnum>().OrderBy(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(members.Select(m => m.ToString()), names);
        Assert.Equal(Enumerable.Range(0, members.Count), members.Select(m => Convert.ToInt32(m, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(members.Count - 1, lastValue);
    }

    private static Type? Resolve(string metadataName)
    {
        if (s_runtime.GetType(metadataName) is { } runtimeType)
        {
            return runtimeType;
        }

        foreach (var reference in s_runtime.GetReferencedAssemblies().Append(new AssemblyName("System.Text.Json")))
        {
            if (Assembly.Load(reference).GetType(metadataName) is { } type)
            {
                return type;
            }
        }

        return Type.GetType(metadataName);
    }
}
