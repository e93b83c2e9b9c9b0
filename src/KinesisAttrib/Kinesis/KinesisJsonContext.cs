using System.Text.Json.Serialization;

namespace KinesisAttrib.Kinesis;

/// <summary>Source-generated (reflection-free, AOT-safe) serialization of the Kinesis wire shapes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KinesisRecordJsonConverter)])]
[JsonSerializable(typeof(CreateStreamWireRequest))]
[JsonSerializable(typeof(StreamNameWireRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryWireResponse))]
[JsonSerializable(typeof(ListShardsWireRequest))]
[JsonSerializable(typeof(ListShardsWireResponse))]
[JsonSerializable(typeof(GetShardIteratorWireRequest))]
[JsonSerializable(typeof(GetShardIteratorWireResponse))]
[JsonSerializable(typeof(GetRecordsWireRequest))]
[JsonSerializable(typeof(GetRecordsWireResponse))]
[JsonSerializable(typeof(SubscribeToShardEventWire))]
[JsonSerializable(typeof(PutRecordsWireRequest))]
[JsonSerializable(typeof(PutRecordsWireResponse))]
[JsonSerializable(typeof(PutRecordWireRequest))]
[JsonSerializable(typeof(PutRecordWireResponse))]
[JsonSerializable(typeof(DeleteStreamWireRequest))]
[JsonSerializable(typeof(ListStreamsWireRequest))]
[JsonSerializable(typeof(ListStreamsWireResponse))]
[JsonSerializable(typeof(SplitShardWireRequest))]
[JsonSerializable(typeof(MergeShardsWireRequest))]
[JsonSerializable(typeof(UpdateShardCountWireRequest))]
[JsonSerializable(typeof(UpdateShardCountWireResponse))]
[JsonSerializable(typeof(StreamConsumerWireRequest))]
[JsonSerializable(typeof(RegisterStreamConsumerWireRequest))]
[JsonSerializable(typeof(RegisterStreamConsumerWireResponse))]
[JsonSerializable(typeof(DescribeStreamConsumerWireResponse))]
[JsonSerializable(typeof(SubscribeToShardWireRequest))]
[JsonSerializable(typeof(ErrorWireResponse))]
internal sealed partial class KinesisJsonContext : JsonSerializerContext;
