using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>KA2005: a batch handler checkpointing in every iteration of a loop over its batch.</summary>
public sealed class CheckpointPerRecordTests
{
    // KA2005 is about any mode; manual mode would add KA2001 for the path through an empty loop.
    private const string AfterEachBatch = "CheckpointMode = CheckpointMode.AfterEachBatch";

    [Theory]
    [InlineData("foreach (var order in orders) { await SaveAsync(order, ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("for (var i = 0; i < orders.Count; i++) { await SaveAsync(orders[i], ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("var i = 0; while (i < orders.Count) { await SaveAsync(orders[i++], ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("foreach (var order in orders.Where(o => o.Id.Length > 0)) { for (var attempt = 0; attempt < 3; attempt++) { await {|#1:checkpointer.CheckpointAsync(ct)|}; break; } }")]
    [InlineData("await Parallel.ForEachAsync(orders, ct, async (order, token) => { await SaveAsync(order, token); await {|#1:checkpointer.CheckpointAsync(token)|}; });")]
    [InlineData("await Task.WhenAll(orders.Where(o => o.Id.Length > 0).Select(async order => { await SaveAsync(order, ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }));")]
    public Task CheckpointInEveryIteration_IsReported(string loop) => VerifyAsync(
        Batch("{ " + loop + " }", settings: AfterEachBatch).Replace("using System;", "using System;\nusing System.Linq;", StringComparison.Ordinal),
        Diagnostic(Descriptors.CheckpointPerRecord).WithLocation(1).WithArguments("orders"));

    [Fact]
    public Task CheckpointPerRecord_InBatchOfRecordsHandler_AtEachRecord_IsReported() => VerifyAsync(
        Members("""
                [KinesisHandler("s")]
                public async Task M(IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    foreach (var record in records)
                    {
                        await SaveAsync(record.Payload, ct);
                        await {|#1:checkpointer.CheckpointAsync(record.Context.SequenceNumber, record.Context.SubSequenceNumber, ct)|};
                    }
                }
            """),
        Diagnostic(Descriptors.CheckpointPerRecord).WithLocation(1).WithArguments("records"));

    [Theory]
    [InlineData("foreach (var order in orders) { await SaveAsync(order, ct); } await checkpointer.CheckpointAsync(ct);")]
    [InlineData("var n = 0; foreach (var order in orders) { await SaveAsync(order, ct); if (++n % 500 == 0) { await checkpointer.CheckpointAsync(ct); } } await checkpointer.CheckpointAsync(ct);")]
    [InlineData("foreach (var order in orders) { try { await SaveAsync(order, ct); } catch (TimeoutException) { await checkpointer.CheckpointAsync(ct); throw; } } await checkpointer.CheckpointAsync(ct);")]
    [InlineData("for (var attempt = 0; attempt < 3; attempt++) { try { await checkpointer.CheckpointAsync(ct); break; } catch (TimeoutException) { await Task.Delay(100, ct); } }")]
    [InlineData("foreach (var order in orders) { await RetryAsync(() => checkpointer.CheckpointAsync(ct).AsTask()); }")]
    [InlineData("await SaveAsync(orders, ct).ContinueWith(_ => checkpointer.CheckpointAsync(ct).AsTask(), TaskScheduler.Default).Unwrap();")]
    public Task CheckpointAfterTheLoop_ConditionalOrNotOverTheBatch_IsNotReported(string body) => VerifyAsync(Batch("{ " + body + " }", settings: AfterEachBatch));

    // Issue 21: what the loop iterates decides. A copy or filtered view of the batch, or the records inside one chunk,
    // is still one iteration per record.
    [Theory]
    [InlineData("var list = orders.ToList(); foreach (var order in list) { await SaveAsync(order, ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("var sorted = new List<Order>(orders.OrderBy(o => o.Id)); var kept = sorted.Where(o => o.Id.Length > 0); foreach (var order in kept) { await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("foreach (var id in orders.Select(o => o.Id).ToArray()) { Log(id); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    [InlineData("foreach (var chunk in orders.Chunk(250)) { foreach (var order in chunk) { await SaveAsync(order, ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; } }")]
    [InlineData("for (var i = 0; i < orders.Count; i += 1) { await SaveAsync(orders[i], ct); await {|#1:checkpointer.CheckpointAsync(ct)|}; }")]
    public Task CheckpointPerRecord_ThroughACopyOrAnElementPreservingOperator_IsReported(string loop) => VerifyAsync(
        WithLinq(Batch("{ " + loop + " }", settings: AfterEachBatch)),
        Diagnostic(Descriptors.CheckpointPerRecord).WithLocation(1).WithArguments("orders"));

    // Issue 21: a checkpoint per chunk, page or group is the "every N records" KA2005's page recommends.
    [Theory]
    [InlineData("foreach (var chunk in orders.Where(o => o.Id.Length > 0).Chunk(250)) { await SaveAsync(chunk, ct); await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("for (var start = 0; start < orders.Count; start += 500) { await SaveAsync(orders.Skip(start).Take(500).ToList(), ct); await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("var start = 0; while (start < orders.Count) { await SaveAsync(orders.Skip(start).Take(100).ToList(), ct); start = start + 100; await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("foreach (var group in orders.GroupBy(o => o.Id)) { await SaveAsync(group.ToList(), ct); await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("var pages = orders.Chunk(500).ToList(); foreach (var page in pages) { await SaveAsync(page, ct); await checkpointer.CheckpointAsync(ct); }")]
    [InlineData("await Parallel.ForEachAsync(orders.Chunk(100), ct, async (chunk, token) => { await SaveAsync(chunk, token); await checkpointer.CheckpointAsync(token); });")]
    public Task CheckpointPerChunkPageOrGroup_IsNotReported(string loop) => VerifyAsync(WithLinq(Batch("{ " + loop + " }", settings: AfterEachBatch)));

    [Fact]
    public Task CheckpointPerChunk_OfABatchOfRecords_AtTheChunksLastRecord_IsNotReported() => VerifyAsync(WithLinq(Members("""
            [KinesisHandler("s")]
            public async Task M(IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                foreach (var chunk in records.Where(r => r.Payload.Id.Length > 0).Chunk(250))
                {
                    await SaveAsync(chunk.Select(r => r.Payload).ToList(), ct);
                    await checkpointer.CheckpointAsync(chunk[^1].Context.SequenceNumber, chunk[^1].Context.SubSequenceNumber, ct);
                }
            }
        """)));

    private static string WithLinq(string source) => source.Replace("using System;", "using System;\nusing System.Linq;", StringComparison.Ordinal);

    [Fact]
    public Task PerRecordHandler_IsNotAskedAboutLoops() => VerifyAsync(Record("""
        {
                foreach (var c in order.Id)
                {
                    await checkpointer.CheckpointAsync(ct);
                }
            }
        """));
}
