using System.Text.Json.Serialization;

namespace KinesisAttrib.Kinesis;

/// <summary>Source-generated (reflection-free, AOT-safe) serialization of the Kinesis wire shapes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateStreamWireRequest))]
[JsonSerializable(typeof(StreamNameWireRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryWireResponse))]
[JsonSerializable(typeof(ListShardsWireRequest))]
[JsonSerializable(typeof(ListShardsWireResponse))]
[JsonSerializable(typeof(GetShardIteratorWireRequest))]
[JsonSerializable(typeof(GetShardIteratorWireResponse))]
[JsonSerializable(typeof(GetRecordsWireRequest))]
[JsonSerializable(typeof(GetRecordsWireResponse))]
[JsonSerializable(typeof(PutRecordsWireRequest))]
[JsonSerializable(typeof(PutRecordsWireResponse))]
[JsonSerializable(typeof(ErrorWireResponse))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext;
