namespace KinesisAttrib.Kinesis;

/// <summary>The Kinesis API operations the client calls, each declared once with its wire types.</summary>
internal static class KinesisOperations
{
    private static readonly KinesisJsonContext Json = KinesisJsonContext.Default;

    public static readonly KinesisOperation<CreateStreamWireRequest, object> CreateStream = new("CreateStream", Json.CreateStreamWireRequest, null);

    public static readonly KinesisOperation<DeleteStreamWireRequest, object> DeleteStream = new("DeleteStream", Json.DeleteStreamWireRequest, null);

    public static readonly KinesisOperation<ListStreamsWireRequest, ListStreamsWireResponse> ListStreams = new("ListStreams", Json.ListStreamsWireRequest, Json.ListStreamsWireResponse);

    public static readonly KinesisOperation<StreamNameWireRequest, DescribeStreamSummaryWireResponse> DescribeStreamSummary = new("DescribeStreamSummary", Json.StreamNameWireRequest, Json.DescribeStreamSummaryWireResponse);

    public static readonly KinesisOperation<ListShardsWireRequest, ListShardsWireResponse> ListShards = new("ListShards", Json.ListShardsWireRequest, Json.ListShardsWireResponse);

    public static readonly KinesisOperation<GetShardIteratorWireRequest, GetShardIteratorWireResponse> GetShardIterator = new("GetShardIterator", Json.GetShardIteratorWireRequest, Json.GetShardIteratorWireResponse);

    public static readonly KinesisOperation<GetRecordsWireRequest, GetRecordsWireResponse> GetRecords = new("GetRecords", Json.GetRecordsWireRequest, Json.GetRecordsWireResponse);

    public static readonly KinesisOperation<PutRecordWireRequest, PutRecordWireResponse> PutRecord = new("PutRecord", Json.PutRecordWireRequest, Json.PutRecordWireResponse);

    public static readonly KinesisOperation<PutRecordsWireRequest, PutRecordsWireResponse> PutRecords = new("PutRecords", Json.PutRecordsWireRequest, Json.PutRecordsWireResponse);

    public static readonly KinesisOperation<SplitShardWireRequest, object> SplitShard = new("SplitShard", Json.SplitShardWireRequest, null);

    public static readonly KinesisOperation<MergeShardsWireRequest, object> MergeShards = new("MergeShards", Json.MergeShardsWireRequest, null);

    public static readonly KinesisOperation<UpdateShardCountWireRequest, UpdateShardCountWireResponse> UpdateShardCount = new("UpdateShardCount", Json.UpdateShardCountWireRequest, Json.UpdateShardCountWireResponse);

    public static readonly KinesisOperation<StreamConsumerWireRequest, DescribeStreamConsumerWireResponse> DescribeStreamConsumer = new("DescribeStreamConsumer", Json.StreamConsumerWireRequest, Json.DescribeStreamConsumerWireResponse);

    public static readonly KinesisOperation<RegisterStreamConsumerWireRequest, RegisterStreamConsumerWireResponse> RegisterStreamConsumer = new("RegisterStreamConsumer", Json.RegisterStreamConsumerWireRequest, Json.RegisterStreamConsumerWireResponse);

    public static readonly KinesisOperation<StreamConsumerWireRequest, object> DeregisterStreamConsumer = new("DeregisterStreamConsumer", Json.StreamConsumerWireRequest, null);

    /// <summary>Not sent through <see cref="KinesisRequestPipeline.SendAsync{TRequest, TResponse}"/>: its answer is an event stream, opened by <see cref="KinesisRequestPipeline.OpenEventStreamAsync"/>.</summary>
    public static readonly KinesisOperation<SubscribeToShardWireRequest, object> SubscribeToShard = new("SubscribeToShard", Json.SubscribeToShardWireRequest, null);
}
